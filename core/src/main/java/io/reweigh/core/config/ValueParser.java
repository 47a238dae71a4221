package io.reweigh.core.config;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Parses and validates one config value. {@link #parse} throws IllegalArgumentException for a value
 * that does not fit; the caller turns that into a user-facing error naming the key.
 */
public interface ValueParser<T> {
  T parse(Object raw);

  String expected();

  default String render(T value) {
    return String.valueOf(value);
  }

  static ValueParser<Integer> intRange(int min, int max) {
    return new ValueParser<>() {
      @Override
      public Integer parse(Object raw) {
        long v = integral(raw);
        if (v < min || v > max) {
          throw new IllegalArgumentException();
        }
        return (int) v;
      }

      @Override
      public String expected() {
        return max == Integer.MAX_VALUE
            ? "an integer ≥ " + min
            : "an integer from " + min + " to " + max;
      }
    };
  }

  static ValueParser<Long> longRange(long min, long max) {
    return new ValueParser<>() {
      @Override
      public Long parse(Object raw) {
        long v = integral(raw);
        if (v < min || v > max) {
          throw new IllegalArgumentException();
        }
        return v;
      }

      @Override
      public String expected() {
        return max == Long.MAX_VALUE
            ? "an integer ≥ " + min
            : "an integer from " + min + " to " + max;
      }
    };
  }

  /**
   * Either a path (a string: a JSON file on any Hadoop file system, read when the run starts) or an
   * inline map name → number in [0, 1] (HOCON object). A map comes back sorted by name.
   */
  static ValueParser<Object> pathOrShares() {
    return new ValueParser<>() {
      @Override
      public Object parse(Object raw) {
        if (raw instanceof String s && !s.isBlank()) {
          return s;
        }
        if (raw instanceof java.util.Map<?, ?> m && !m.isEmpty()) {
          java.util.TreeMap<String, Double> out = new java.util.TreeMap<>();
          for (var e : m.entrySet()) {
            double v;
            if (e.getValue() instanceof Number n) {
              v = n.doubleValue();
            } else {
              throw new IllegalArgumentException();
            }
            if (!(v >= 0 && v <= 1)) {
              throw new IllegalArgumentException();
            }
            out.put(String.valueOf(e.getKey()), v);
          }
          return java.util.Collections.unmodifiableSortedMap(out);
        }
        throw new IllegalArgumentException();
      }

      @Override
      public String expected() {
        return "a path to a JSON file {\"domain\": share, …} or an inline object"
            + " { domain: share, … } with shares from 0 to 1";
      }
    };
  }

  static ValueParser<Long> anyLong() {
    return new ValueParser<>() {
      @Override
      public Long parse(Object raw) {
        return integral(raw);
      }

      @Override
      public String expected() {
        return "an integer";
      }
    };
  }

  /** A double in (min, max) or [min, max] depending on the inclusive flags. */
  static ValueParser<Double> doubleRange(
      double min, boolean minInclusive, double max, boolean maxInclusive) {
    return new ValueParser<>() {
      @Override
      public Double parse(Object raw) {
        double v;
        if (raw instanceof Number n) {
          v = n.doubleValue();
        } else if (raw instanceof String s) {
          try {
            v = Double.parseDouble(s.trim());
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException();
          }
        } else {
          throw new IllegalArgumentException();
        }
        boolean ok =
            Double.isFinite(v)
                && (minInclusive ? v >= min : v > min)
                && (maxInclusive ? v <= max : v < max);
        if (!ok) {
          throw new IllegalArgumentException();
        }
        return v;
      }

      @Override
      public String expected() {
        String lo = (minInclusive ? "≥ " : "> ") + fmt(min);
        if (Double.isInfinite(max)) {
          return "a number " + lo;
        }
        return "a number " + lo + " and " + (maxInclusive ? "≤ " : "< ") + fmt(max);
      }
    };
  }

  static ValueParser<Boolean> bool() {
    return new ValueParser<>() {
      @Override
      public Boolean parse(Object raw) {
        if (raw instanceof Boolean b) {
          return b;
        }
        if (raw instanceof String s && (s.equals("true") || s.equals("false"))) {
          return Boolean.parseBoolean(s);
        }
        throw new IllegalArgumentException();
      }

      @Override
      public String expected() {
        return "true or false";
      }
    };
  }

  static ValueParser<String> oneOf(String... allowed) {
    List<String> values = List.of(allowed);
    return new ValueParser<>() {
      @Override
      public String parse(Object raw) {
        if (raw instanceof String s && values.contains(s)) {
          return s;
        }
        throw new IllegalArgumentException();
      }

      @Override
      public String expected() {
        return "one of " + String.join(", ", values);
      }
    };
  }

  static ValueParser<String> nonEmptyString() {
    return new ValueParser<>() {
      @Override
      public String parse(Object raw) {
        if (raw instanceof String s && !s.isBlank()) {
          return s;
        }
        throw new IllegalArgumentException();
      }

      @Override
      public String expected() {
        return "a non-empty string";
      }
    };
  }

  /** A non-empty list of distinct numbers in [min, max], sorted ascending. */
  static ValueParser<List<Double>> numbers(double min, double max) {
    return new ValueParser<>() {
      @Override
      public List<Double> parse(Object raw) {
        List<?> items;
        if (raw instanceof List<?> l) {
          items = l;
        } else if (raw instanceof String s) {
          items = List.of(s.replace("[", "").replace("]", "").split(","));
        } else {
          throw new IllegalArgumentException();
        }
        java.util.TreeSet<Double> out = new java.util.TreeSet<>();
        for (Object o : items) {
          double v;
          try {
            v =
                o instanceof Number n
                    ? n.doubleValue()
                    : Double.parseDouble(String.valueOf(o).trim());
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException();
          }
          if (!(v >= min && v <= max) || !out.add(v)) {
            throw new IllegalArgumentException();
          }
        }
        if (out.isEmpty()) {
          throw new IllegalArgumentException();
        }
        return List.copyOf(out);
      }

      @Override
      public String expected() {
        return "a non-empty list of distinct numbers from " + fmt(min) + " to " + fmt(max);
      }

      @Override
      public String render(List<Double> value) {
        return "[" + String.join(", ", value.stream().map(d -> fmt(d)).toList()) + "]";
      }
    };
  }

  /** A list of distinct names, each from {@code allowed}; may be empty. */
  static ValueParser<List<String>> subsetOf(String... allowed) {
    List<String> values = List.of(allowed);
    return new ValueParser<>() {
      @Override
      public List<String> parse(Object raw) {
        List<?> items;
        if (raw instanceof List<?> l) {
          items = l;
        } else if (raw instanceof String s) {
          items = s.isBlank() ? List.of() : List.of(s.split(","));
        } else {
          throw new IllegalArgumentException();
        }
        Set<String> out = new LinkedHashSet<>();
        for (Object o : items) {
          String name = String.valueOf(o).trim();
          if (!values.contains(name) || !out.add(name)) {
            throw new IllegalArgumentException();
          }
        }
        return List.copyOf(new ArrayList<>(out));
      }

      @Override
      public String expected() {
        return "a list of distinct names from [" + String.join(", ", values) + "] (may be empty)";
      }

      @Override
      public String render(List<String> value) {
        return "[" + String.join(", ", value) + "]";
      }
    };
  }

  private static long integral(Object raw) {
    if (raw instanceof Integer || raw instanceof Long) {
      return ((Number) raw).longValue();
    }
    if (raw instanceof Number n) {
      double d = n.doubleValue();
      if (d == Math.rint(d) && Math.abs(d) < 9.0e15) {
        return (long) d;
      }
      throw new IllegalArgumentException();
    }
    if (raw instanceof String s) {
      try {
        return Long.parseLong(s.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException();
      }
    }
    throw new IllegalArgumentException();
  }

  private static String fmt(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? String.valueOf((long) d) : String.valueOf(d);
  }
}
