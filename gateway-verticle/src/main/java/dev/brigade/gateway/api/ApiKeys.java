package dev.brigade.gateway.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.LinkedHashSet;
import java.util.Set;

/** API keys: a file with one key per line (blank lines and lines starting with # skipped). */
public final class ApiKeys {
  private ApiKeys() {}

  public static Set<String> load(Path file) {
    try {
      Set<String> keys = new LinkedHashSet<>();
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        String key = line.strip();
        if (!key.isEmpty() && !key.startsWith("#")) keys.add(key);
      }
      if (keys.isEmpty()) throw new IllegalArgumentException("--api-keys " + file + " holds no keys");
      return keys;
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("--api-keys " + file + " does not exist");
    } catch (IOException e) {
      throw new IllegalArgumentException("--api-keys " + file + " cannot be read: " + e.getMessage());
    }
  }

  /**
   * Checks an Authorization header value ("Bearer KEY"); null when it is accepted, else the
   * error to answer with. Keys are compared in constant time.
   */
  public static ApiError check(Set<String> keys, String authorization) {
    if (keys.isEmpty()) return null;
    if (authorization == null || authorization.isBlank()) {
      return ApiError.unauthorized("Missing API key: send the header 'Authorization: Bearer YOUR_KEY'");
    }
    String given = authorization.regionMatches(true, 0, "Bearer ", 0, 7)
        ? authorization.substring(7).strip()
        : authorization.strip();
    byte[] g = given.getBytes(StandardCharsets.UTF_8);
    boolean ok = false;
    for (String key : keys) {
      ok |= MessageDigest.isEqual(g, key.getBytes(StandardCharsets.UTF_8));
    }
    return ok ? null : ApiError.unauthorized("Incorrect API key provided");
  }
}
