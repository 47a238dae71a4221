package io.reweigh.influence;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The proxy LM: a small pre-norm decoder-only transformer (GPT-2 layout) written as a function of
 * its named parameters, all DJL NDArrays on one device.
 *
 * <p>The forward pass takes optional substitutes for any parameter ({@link Forward}), with either
 * the parameter's own shape or a leading batch axis (one copy per sample). That is what per-sample
 * gradients in one backward pass need (docs/influence.md), and what DJL's Block API, whose
 * parameters are fixed arrays, cannot express; it plays the part of PyTorch's {@code
 * functional_call}.
 *
 * <p>Parameter names: {@code tok_emb [V,d]}, {@code pos_emb [C,d]}, per block {@code l<i>.ln1.g},
 * {@code .ln1.b}, {@code .attn.w [d,3d]}, {@code .attn.b}, {@code .proj.w [d,d]}, {@code .proj.b},
 * {@code .ln2.g}, {@code .ln2.b}, {@code .mlp1.w [d,4d]}, {@code .mlp1.b}, {@code .mlp2.w [4d,d]},
 * {@code .mlp2.b}; then {@code lnf.g}, {@code lnf.b}, {@code head.w [d,V]}, {@code head.b [V]}.
 */
public final class ProxyLm implements ScoringModel {
  private static final int MAGIC = 0x52574c4d; // "RWLM"
  private static final int FORMAT = 1;

  private final ProxyLmConfig config;
  private final NDManager manager;
  private final Map<String, NDArray> params;

  private ProxyLm(ProxyLmConfig config, NDManager manager, Map<String, NDArray> params) {
    this.config = config;
    this.manager = manager;
    this.params = params;
  }

  /** A freshly initialised model (normal(0, 0.02) weights, unit norms) from a Java seeded RNG. */
  public static ProxyLm create(ProxyLmConfig c, NDManager parent, long seed) {
    NDManager m = parent.newSubManager();
    SplittableRandom rnd = new SplittableRandom(seed);
    Map<String, NDArray> p = new LinkedHashMap<>();
    int d = c.dModel();
    p.put("tok_emb", normal(m, rnd, 0.02, c.vocab(), d));
    p.put("pos_emb", normal(m, rnd, 0.01, c.context(), d));
    double resid = 0.02 / Math.sqrt(2.0 * c.layers());
    for (int l = 0; l < c.layers(); l++) {
      String b = "l" + l + ".";
      p.put(b + "ln1.g", m.ones(new Shape(d)));
      p.put(b + "ln1.b", m.zeros(new Shape(d)));
      p.put(b + "attn.w", normal(m, rnd, 0.02, d, 3 * d));
      p.put(b + "attn.b", m.zeros(new Shape(3L * d)));
      p.put(b + "proj.w", normal(m, rnd, resid, d, d));
      p.put(b + "proj.b", m.zeros(new Shape(d)));
      p.put(b + "ln2.g", m.ones(new Shape(d)));
      p.put(b + "ln2.b", m.zeros(new Shape(d)));
      p.put(b + "mlp1.w", normal(m, rnd, 0.02, d, 4 * d));
      p.put(b + "mlp1.b", m.zeros(new Shape(4L * d)));
      p.put(b + "mlp2.w", normal(m, rnd, resid, 4 * d, d));
      p.put(b + "mlp2.b", m.zeros(new Shape(d)));
    }
    p.put("lnf.g", m.ones(new Shape(d)));
    p.put("lnf.b", m.zeros(new Shape(d)));
    p.put("head.w", normal(m, rnd, 0.02, d, c.vocab()));
    p.put("head.b", m.zeros(new Shape(c.vocab())));
    for (Map.Entry<String, NDArray> e : p.entrySet()) {
      e.getValue().setName(e.getKey());
    }
    return new ProxyLm(c, m, p);
  }

  private static NDArray normal(NDManager m, SplittableRandom rnd, double std, int rows, int cols) {
    float[] v = new float[rows * cols];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (gaussian(rnd) * std);
    }
    return Sequences.owned(m.create(v, new Shape(rows, cols)));
  }

  /** Box–Muller, so the values do not depend on the JDK's nextGaussian implementation. */
  private static double gaussian(SplittableRandom rnd) {
    double u1 = 1.0 - rnd.nextDouble();
    double u2 = rnd.nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  public ProxyLmConfig config() {
    return config;
  }

  public NDManager manager() {
    return manager;
  }

  /** The parameters in their fixed order (read-only map; the arrays are the live weights). */
  public Map<String, NDArray> parameters() {
    return Collections.unmodifiableMap(params);
  }

  public NDArray param(String name) {
    NDArray a = params.get(name);
    if (a == null) {
      throw new IllegalArgumentException("no parameter " + name + " in the proxy LM");
    }
    return a;
  }

  /** Names of the parameters of one layer group: embed, pos, block&lt;i&gt; or head. */
  public List<String> group(String layer) {
    if (layer.equals("embed")) {
      return List.of("tok_emb");
    }
    if (layer.equals("pos")) {
      return List.of("pos_emb");
    }
    if (layer.equals("head")) {
      return List.of("head.w", "head.b");
    }
    if (layer.startsWith("block")) {
      int i = Integer.parseInt(layer.substring(5));
      if (i < 0 || i >= config.layers()) {
        throw new IllegalArgumentException(
            "layer " + layer + " does not exist: the model has blocks 0.." + (config.layers() - 1));
      }
      return params.keySet().stream().filter(k -> k.startsWith("l" + i + ".")).toList();
    }
    throw new IllegalArgumentException("unknown layer group " + layer);
  }

  /**
   * What to substitute in one forward pass. Every array here must live in the caller's scope.
   * Parameters in {@link #params} may have a leading batch axis.
   */
  public static final class Forward {
    final Map<String, NDArray> params = new LinkedHashMap<>();

    /** Token embeddings already gathered per position, [B,T,d] (replaces the tok_emb lookup). */
    NDArray tokenRows;

    /** Position embeddings per sample, [B,T,d]. */
    NDArray positionRows;

    /** Added to the logits, [B,T,V] (a zero leaf whose gradient is dℓ/dlogits). */
    NDArray logitShift;

    /** Output: the final hidden states [B,T,d] that feed the head. */
    NDArray hidden;

    public Forward param(String name, NDArray value) {
      params.put(name, value);
      return this;
    }
  }

  private NDArray p(Forward f, String name) {
    NDArray o = f == null ? null : f.params.get(name);
    return o != null ? o : param(name);
  }

  /** Logits [B,T,V] for token ids [B,T] (int64). */
  public NDArray logits(NDArray ids, Forward f) {
    NDArray h = hidden(ids, f);
    NDArray logits = linear(h, p(f, "head.w"), p(f, "head.b"));
    if (f != null && f.logitShift != null) {
      logits = logits.add(f.logitShift);
    }
    return logits;
  }

  /**
   * Mean of the final hidden states over the positions where {@code mask} [B,T] is 1: one embedding
   * per sequence, [B,d] (the coreset signal's proxy embedding).
   */
  @Override
  public float[][] meanHidden(NDArray ids, NDArray mask) {
    return ScoringModel.meanOver(hidden(ids, null), mask);
  }

  /**
   * Self-influence over the chosen layer groups, one backward per batch ({@link SelfInfluence}).
   */
  @Override
  public double[] selfInfluence(
      Sequences.Batch batch, List<String> layers, SelfInfluence.Norm norm) {
    return SelfInfluence.batched(this, batch, layers, norm);
  }

  /**
   * Each target's loss −log p(y_t) on a batch, [rows][positions], 0 where masked (no gradients:
   * DoReMi's reference model, docs/evaluation.md).
   */
  public float[][] tokenLosses(Sequences.Batch b) {
    try (ai.djl.ndarray.NDScope scope = new ai.djl.ndarray.NDScope()) {
      scope.suppressNotUsedWarning();
      return HeadPass.tokenLosses(this, hidden(b.ids(), null).stopGradient(), b);
    }
  }

  /** Final hidden states [B,T,d] (after the last layer norm), the LM head's input. */
  public NDArray hidden(NDArray ids, Forward f) {
    long b = ids.getShape().get(0);
    long t = ids.getShape().get(1);
    if (t > config.context()) {
      throw new IllegalArgumentException(t + " positions exceed the context " + config.context());
    }
    NDArray x = f != null && f.tokenRows != null ? f.tokenRows : embedding(ids, p(f, "tok_emb"));
    NDArray pos =
        f != null && f.positionRows != null
            ? f.positionRows
            : p(f, "pos_emb").get(new NDIndex("0:" + t));
    x = x.add(pos);
    NDArray mask = causalMask(ids.getManager(), (int) t);
    for (int l = 0; l < config.layers(); l++) {
      x = block(x, "l" + l + ".", f, mask);
    }
    NDArray h = layerNorm(x, p(f, "lnf.g"), p(f, "lnf.b"));
    if (f != null) {
      f.hidden = h;
    }
    return h;
  }

  private NDArray block(NDArray x, String pre, Forward f, NDArray mask) {
    long b = x.getShape().get(0);
    long t = x.getShape().get(1);
    int d = config.dModel();
    int heads = config.heads();
    int hd = config.headDim();
    NDArray a = layerNorm(x, p(f, pre + "ln1.g"), p(f, pre + "ln1.b"));
    NDArray qkv = linear(a, p(f, pre + "attn.w"), p(f, pre + "attn.b"));
    NDList parts = qkv.split(3, 2);
    // [B*H, T, hd] contiguous copies, 3-D batched matmuls
    NDArray q = heads(parts.get(0), b, t, heads, hd);
    NDArray k = heads(parts.get(1), b, t, heads, hd);
    NDArray v = heads(parts.get(2), b, t, heads, hd);
    // The scale must be a tensor that lives until backward: DJL's mul(Number) wraps the scalar in
    // a Java direct buffer without copying and frees it right after the op, while autograd keeps
    // it for the backward pass (seen as NaN or wrong gradients once that memory was reused).
    NDArray scale = mask.getManager().full(new Shape(1), (float) (1.0 / Math.sqrt(hd)));
    NDArray att = q.batchMatMul(k.transpose(0, 2, 1)).mul(scale).add(mask).softmax(-1);
    NDArray y = att.batchMatMul(v).reshape(b, heads, t, hd).transpose(0, 2, 1, 3).reshape(b, t, d);
    x = x.add(linear(y, p(f, pre + "proj.w"), p(f, pre + "proj.b")));
    NDArray m = layerNorm(x, p(f, pre + "ln2.g"), p(f, pre + "ln2.b"));
    NDArray hidden = Activation.gelu(linear(m, p(f, pre + "mlp1.w"), p(f, pre + "mlp1.b")));
    return x.add(linear(hidden, p(f, pre + "mlp2.w"), p(f, pre + "mlp2.b")));
  }

  /**
   * Token embedding lookup with PyTorch's embedding op, whose CPU backward is deterministic
   * (advanced indexing's backward accumulates in a thread-dependent order).
   */
  private static NDArray embedding(NDArray ids, NDArray table) {
    return ids.getNDArrayInternal()
        .embedding(ids, table, ai.djl.ndarray.types.SparseFormat.DENSE)
        .singletonOrThrow();
  }

  private static NDArray heads(NDArray x, long b, long t, int heads, int hd) {
    return x.reshape(b, t, heads, hd).transpose(0, 2, 1, 3).reshape(b * heads, t, hd);
  }

  /** x [B,T,in] · W ([in,out] or per sample [B,in,out]) + b ([out] or [B,out]). */
  private static NDArray linear(NDArray x, NDArray w, NDArray bias) {
    NDArray y = x.matMul(w);
    return y.add(bias.getShape().dimension() == 2 ? bias.expandDims(1) : bias);
  }

  private static NDArray layerNorm(NDArray x, NDArray g, NDArray b) {
    NDArray mean = x.mean(new int[] {-1}, true);
    NDArray c = x.sub(mean);
    NDArray var = c.square().mean(new int[] {-1}, true);
    NDArray n = c.div(var.add(1e-5f).sqrt());
    if (g.getShape().dimension() == 2) {
      g = g.expandDims(1);
      b = b.expandDims(1);
    }
    return n.mul(g).add(b);
  }

  private static NDArray causalMask(NDManager m, int t) {
    float[] v = new float[t * t];
    for (int i = 0; i < t; i++) {
      for (int j = i + 1; j < t; j++) {
        v[i * t + j] = -1e9f;
      }
    }
    return Sequences.owned(m.create(v, new Shape(t, t)));
  }

  /**
   * Mean next-token cross-entropy of each sample, [B]: {@code targets} [B,T] int64 and {@code mask}
   * [B,T] float (1 where the target is a real token).
   */
  public static NDArray perSampleLoss(NDArray logits, NDArray targets, NDArray mask) {
    NDArray lp = logits.logSoftmax(-1).gather(targets.expandDims(-1), -1).squeeze(-1);
    return lp.mul(mask).sum(new int[] {1}).neg().div(mask.sum(new int[] {1}));
  }

  /** Serialised weights: header (magic, format, shape) then each parameter as raw floats. */
  public byte[] toBytes() {
    try (ByteArrayOutputStream bos = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bos)) {
      out.writeInt(MAGIC);
      out.writeInt(FORMAT);
      out.writeInt(config.vocab());
      out.writeInt(config.dModel());
      out.writeInt(config.layers());
      out.writeInt(config.heads());
      out.writeInt(config.context());
      out.writeInt(params.size());
      for (Map.Entry<String, NDArray> e : params.entrySet()) {
        out.writeUTF(e.getKey());
        float[] v = e.getValue().toType(DataType.FLOAT32, false).toFloatArray();
        long[] shape = e.getValue().getShape().getShape();
        out.writeInt(shape.length);
        for (long s : shape) {
          out.writeLong(s);
        }
        ByteBuffer buf = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(v);
        out.writeInt(v.length);
        out.write(buf.array());
      }
      out.flush();
      return bos.toByteArray();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Reads what {@link #toBytes()} wrote, onto {@code parent}'s device. */
  public static ProxyLm fromBytes(byte[] bytes, NDManager parent) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      if (in.readInt() != MAGIC) {
        throw new IllegalArgumentException("not a reweigh proxy LM checkpoint (bad magic)");
      }
      int format = in.readInt();
      if (format != FORMAT) {
        throw new IllegalArgumentException(
            "proxy LM checkpoint format " + format + " is not supported (expected " + FORMAT + ")");
      }
      ProxyLmConfig c =
          new ProxyLmConfig(in.readInt(), in.readInt(), in.readInt(), in.readInt(), in.readInt());
      int n = in.readInt();
      NDManager m = parent.newSubManager();
      Map<String, NDArray> p = new LinkedHashMap<>();
      for (int i = 0; i < n; i++) {
        String name = in.readUTF();
        long[] shape = new long[in.readInt()];
        for (int j = 0; j < shape.length; j++) {
          shape[j] = in.readLong();
        }
        int len = in.readInt();
        byte[] raw = new byte[len * 4];
        in.readFully(raw);
        float[] v = new float[len];
        ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
        NDArray a = Sequences.owned(m.create(v, new Shape(shape)));
        a.setName(name);
        p.put(name, a);
      }
      return new ProxyLm(c, m, p);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    manager.close();
  }
}
