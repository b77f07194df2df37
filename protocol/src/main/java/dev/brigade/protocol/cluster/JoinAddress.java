package dev.brigade.protocol.cluster;

/** A HOST:PORT cluster member address as given to --join. */
public record JoinAddress(String host, int port) {

  public static JoinAddress parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("--join address is missing");
    }
    int colon = text.lastIndexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      throw new IllegalArgumentException("--join " + text + " is not HOST:PORT");
    }
    String host = text.substring(0, colon);
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--join " + text + ": port is not a number");
    }
    if (port <= 0 || port > 65535) {
      throw new IllegalArgumentException("--join " + text + ": port " + port + " is not in 1..65535");
    }
    return new JoinAddress(host, port);
  }

  @Override
  public String toString() {
    return host + ":" + port;
  }
}
