package io.reweigh.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.reweigh.core.config.ConfigLoader;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The Airflow DAG and the CLI cannot drift: the application_args of every SparkSubmitOperator in
 * conf/airflow/reweigh_dag.py (read with python3's ast, templates filled with sample values) must
 * parse with the CLI's parser, and their --set keys must be valid config keys.
 */
class AirflowDagTest {
  static final String EXTRACT =
      "import ast, json, sys\n"
          + "tree = ast.parse(open(sys.argv[1]).read())\n"
          + "consts = {}\n"
          + "for st in tree.body:\n"
          + "    if isinstance(st, ast.Assign) and isinstance(st.value, ast.Constant):\n"
          + "        for t in st.targets:\n"
          + "            consts[t.id] = st.value.value\n"
          + "def val(e):\n"
          + "    return consts[e.id] if isinstance(e, ast.Name) else ast.literal_eval(e)\n"
          + "out = []\n"
          + "for node in ast.walk(tree):\n"
          + "    if isinstance(node, ast.Call) and getattr(node.func, 'id', None) == 'SparkSubmitOperator':\n"
          + "        kw = {k.arg: k.value for k in node.keywords}\n"
          + "        out.append({'task': val(kw['task_id']), 'class': val(kw['java_class']),\n"
          + "                    'args': [val(e) for e in kw['application_args'].elts]})\n"
          + "print(json.dumps(out))\n";

  @Test
  void dagArgumentsParseWithTheCli() throws Exception {
    Path dag = Path.of("..", "conf", "airflow", "reweigh_dag.py");
    assumeTrue(
        new File("/usr/bin/python3").canExecute() || which("python3"), "python3 not installed");
    Process p =
        new ProcessBuilder("python3", "-c", EXTRACT, dag.toString())
            .redirectErrorStream(true)
            .start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    String json = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), json);
    List<?> tasks = new ObjectMapper().readValue(json, List.class);
    assertEquals(2, tasks.size(), json);
    for (Object o : tasks) {
      @SuppressWarnings("unchecked")
      java.util.Map<String, Object> t = (java.util.Map<String, Object>) o;
      assertEquals(Main.class.getName(), t.get("class"));
      @SuppressWarnings("unchecked")
      List<String> raw = (List<String>) t.get("args");
      List<String> args = new ArrayList<>();
      List<String> sets = new ArrayList<>();
      for (int i = 0; i < raw.size(); i++) {
        String a =
            raw.get(i)
                .replace("{{ ds_nodash }}", "20260101")
                .replaceAll("\\{\\{[^}]*}}", "/data/x");
        args.add(a);
        if (i > 0 && raw.get(i - 1).equals("--set")) {
          sets.add(a);
        }
      }
      CommandLine.ParseResult r =
          new CommandLine(new Main()).parseArgs(args.toArray(String[]::new));
      assertTrue(r.hasSubcommand(), t.get("task") + ": " + args);
      assertEquals(t.get("task"), r.subcommand().commandSpec().name());
      ConfigLoader.load(null, sets); // throws on an unknown key or bad value
    }
    assertTrue(Files.readString(dag).contains("validate >> run"));
  }

  static boolean which(String cmd) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (new File(dir, cmd).canExecute()) {
        return true;
      }
    }
    return false;
  }
}
