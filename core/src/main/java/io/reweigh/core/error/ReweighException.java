package io.reweigh.core.error;

/**
 * A user-facing failure: what went wrong, why, and how to fix it. Built only by {@link
 * PipelineErrors} so the wording stays consistent (and tests can pin it).
 */
public final class ReweighException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Failure class; decides the process exit code (docs/guarantees.md). */
  public enum Kind {
    /** Bad command line or configuration. */
    USAGE(2),
    /** Bad or missing input data. */
    INPUT(3),
    /** Anything else (a bug, a cluster failure, a broken invariant). */
    INTERNAL(1);

    public final int exitCode;

    Kind(int exitCode) {
      this.exitCode = exitCode;
    }
  }

  private final Kind kind;
  private final String problem;
  private final String why;
  private final String fix;

  ReweighException(Kind kind, String problem, String why, String fix, Throwable cause) {
    super(format(problem, why, fix), cause);
    this.kind = kind;
    this.problem = problem;
    this.why = why;
    this.fix = fix;
  }

  private static String format(String problem, String why, String fix) {
    StringBuilder sb = new StringBuilder(problem);
    if (why != null && !why.isEmpty()) {
      sb.append("\n  cause: ").append(why);
    }
    if (fix != null && !fix.isEmpty()) {
      sb.append("\n  fix:   ").append(fix);
    }
    return sb.toString();
  }

  public Kind kind() {
    return kind;
  }

  public int exitCode() {
    return kind.exitCode;
  }

  public String problem() {
    return problem;
  }

  public String why() {
    return why;
  }

  public String fix() {
    return fix;
  }
}
