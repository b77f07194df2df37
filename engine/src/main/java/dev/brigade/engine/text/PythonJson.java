package dev.brigade.engine.text;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.Map;

/**
 * JSON text exactly as Python's {@code json.dumps(x, ensure_ascii=False)} writes it, which is what
 * the chat template's {@code tojson} filter produces under Hugging Face transformers: separators
 * ", " and ": ", keys in their given order, non-ASCII left as is, floats as Python's repr.
 */
public final class PythonJson {

  private PythonJson() {}

  public static String dumps(JsonNode node) {
    StringBuilder out = new StringBuilder();
    write(node, out);
    return out.toString();
  }

  private static void write(JsonNode node, StringBuilder out) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      out.append("null");
    } else if (node.isObject()) {
      out.append('{');
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      boolean first = true;
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        if (!first) out.append(", ");
        first = false;
        writeString(field.getKey(), out);
        out.append(": ");
        write(field.getValue(), out);
      }
      out.append('}');
    } else if (node.isArray()) {
      out.append('[');
      for (int i = 0; i < node.size(); i++) {
        if (i > 0) out.append(", ");
        write(node.get(i), out);
      }
      out.append(']');
    } else if (node.isTextual()) {
      writeString(node.textValue(), out);
    } else if (node.isBoolean()) {
      out.append(node.booleanValue() ? "true" : "false");
    } else if (node.isIntegralNumber()) {
      out.append(node.bigIntegerValue());
    } else if (node.isNumber()) {
      out.append(floatRepr(node.doubleValue()));
    } else {
      throw new IllegalArgumentException("cannot write a " + node.getNodeType() + " JSON node");
    }
  }

  private static void writeString(String s, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  /**
   * Python's {@code repr(float)}: the shortest digits that round-trip, in fixed notation when the
   * decimal exponent is in [-4, 16), else as {@code d.ddde+XX}; json.dumps spells the
   * non-finite values NaN, Infinity and -Infinity.
   */
  static String floatRepr(double d) {
    if (Double.isNaN(d)) return "NaN";
    if (Double.isInfinite(d)) return d > 0 ? "Infinity" : "-Infinity";
    if (d == 0) return (1 / d < 0) ? "-0.0" : "0.0";
    String sign = d < 0 ? "-" : "";
    double abs = Math.abs(d);
    BigDecimal exact = new BigDecimal(Double.toString(abs)).stripTrailingZeros();
    String digits = exact.unscaledValue().toString();
    int decpt = digits.length() - exact.scale(); // value = 0.digits * 10^decpt
    if (digits.length() == 2) {
      // Java prints at least two significant digits for a few values (e.g. 4.9E-324) where one
      // digit already round-trips; Python uses the one digit.
      long rounded = Math.round(Integer.parseInt(digits) / 10.0);
      String one = rounded == 10 ? "1" : Long.toString(rounded);
      int onePt = rounded == 10 ? decpt + 1 : decpt;
      if (Double.parseDouble("0." + one + "e" + onePt) == abs) {
        digits = one;
        decpt = onePt;
      }
    }
    StringBuilder out = new StringBuilder(sign);
    if (decpt <= -4 || decpt > 16) {
      out.append(digits.charAt(0));
      if (digits.length() > 1) out.append('.').append(digits, 1, digits.length());
      int exp = decpt - 1;
      out.append('e').append(exp < 0 ? '-' : '+');
      int absExp = Math.abs(exp);
      if (absExp < 10) out.append('0');
      out.append(absExp);
    } else if (decpt <= 0) {
      out.append("0.").append("0".repeat(-decpt)).append(digits);
    } else if (decpt >= digits.length()) {
      out.append(digits).append("0".repeat(decpt - digits.length())).append(".0");
    } else {
      out.append(digits, 0, decpt).append('.').append(digits, decpt, digits.length());
    }
    return out.toString();
  }
}
