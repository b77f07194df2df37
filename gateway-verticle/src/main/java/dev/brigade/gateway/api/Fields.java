package dev.brigade.gateway.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Typed, range-checked reads of a JSON request body. A missing or null field yields null; a field
 * of the wrong type or out of range throws an {@link ApiException} naming the parameter.
 */
public final class Fields {
  private final JsonObject body;

  public Fields(JsonObject body) {
    this.body = body;
  }

  public boolean has(String name) {
    return body.getValue(name) != null;
  }

  public Object raw(String name) {
    return body.getValue(name);
  }

  public String string(String name) {
    Object v = body.getValue(name);
    if (v == null) return null;
    if (!(v instanceof String s)) throw wrongType(name, "a string", v);
    return s;
  }

  public Boolean bool(String name) {
    Object v = body.getValue(name);
    if (v == null) return null;
    if (!(v instanceof Boolean b)) throw wrongType(name, "a boolean", v);
    return b;
  }

  /** An integer in [min, max]; a number with a fraction is refused. */
  public Long integer(String name, long min, long max) {
    Object v = body.getValue(name);
    if (v == null) return null;
    long value = asInteger(name, v);
    if (value < min || value > max) {
      throw new ApiException(
          ApiError.invalid(name, name + " must be between " + min + " and " + max + ", got " + value));
    }
    return value;
  }

  /** A number in [min, max] (or (min, max] when minExclusive). */
  public Double number(String name, double min, double max, boolean minExclusive) {
    Object v = body.getValue(name);
    if (v == null) return null;
    if (!(v instanceof Number n)) throw wrongType(name, "a number", v);
    double value = n.doubleValue();
    boolean low = minExclusive ? value <= min : value < min;
    if (Double.isNaN(value) || low || value > max) {
      String range = (minExclusive ? "(" : "[") + fmt(min) + ", " + fmt(max) + "]";
      throw new ApiException(
          ApiError.invalid(name, name + " must be in " + range + ", got " + value));
    }
    return value;
  }

  public JsonObject object(String name) {
    Object v = body.getValue(name);
    if (v == null) return null;
    if (!(v instanceof JsonObject o)) throw wrongType(name, "an object", v);
    return o;
  }

  public JsonArray array(String name) {
    Object v = body.getValue(name);
    if (v == null) return null;
    if (!(v instanceof JsonArray a)) throw wrongType(name, "an array", v);
    return a;
  }

  static long asInteger(String name, Object v) {
    if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    if (v instanceof Number n) {
      double d = n.doubleValue();
      if (d == Math.rint(d) && Math.abs(d) < 9.0e15) return (long) d;
      throw new ApiException(ApiError.invalid(name, name + " must be an integer, got " + v));
    }
    throw wrongType(name, "an integer", v);
  }

  static ApiException wrongType(String name, String expected, Object got) {
    return new ApiException(
        ApiError.invalid(name, name + " must be " + expected + ", got " + describe(got)));
  }

  static String describe(Object v) {
    if (v instanceof String) return "a string";
    if (v instanceof Boolean) return "a boolean";
    if (v instanceof Number) return "the number " + v;
    if (v instanceof JsonObject) return "an object";
    if (v instanceof JsonArray) return "an array";
    return String.valueOf(v);
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }
}
