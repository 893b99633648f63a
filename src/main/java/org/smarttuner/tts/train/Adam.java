package org.smarttuner.tts.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Adam / AdamW with the exact update of PyTorch's implementation (bias corrections, eps added
 * after the square root), written here because DJL's optimizers keep their moments privately and a
 * checkpoint must hold them for a resumed trial to continue exactly.
 *
 * <p>Moments live in the trial's manager; every temporary of an update is attached to the step's
 * manager (DJL attaches a result to its first operand's manager, which here would be the trial's).
 */
public final class Adam {
    private final OptimizerKind kind;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final Map<String, NDArray> m = new LinkedHashMap<>();
    private final Map<String, NDArray> v = new LinkedHashMap<>();
    private long step;

    public Adam(OptimizerKind kind, double beta1, double beta2, double eps, double weightDecay) {
        this.kind = kind;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
    }

    public long step() {
        return step;
    }

    /**
     * One update of every parameter with its gradient at learning rate lr.
     *
     * @param params name to parameter (trial manager)
     * @param grads name to gradient (step manager), already clipped
     */
    public void update(Map<String, NDArray> params, Map<String, NDArray> grads, double lr, NDManager scope) {
        step++;
        double bc1 = 1 - Math.pow(beta1, step);
        double bc2 = 1 - Math.pow(beta2, step);
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            String name = e.getKey();
            NDArray p = e.getValue();
            NDArray g = grads.get(name);
            if (kind == OptimizerKind.ADAM && weightDecay != 0) {
                g = local(p.mul(weightDecay), scope).addi(g);
            }
            NDArray mi = m.computeIfAbsent(name, k -> zerosLike(p));
            NDArray vi = v.computeIfAbsent(name, k -> zerosLike(p));
            mi.muli(beta1).addi(g.mul(1 - beta1));
            vi.muli(beta2).addi(g.square().muli(1 - beta2));
            NDArray denom = local(vi.sqrt(), scope).divi(Math.sqrt(bc2)).addi(eps);
            if (kind == OptimizerKind.ADAMW && weightDecay != 0) {
                p.muli(1 - lr * weightDecay);
            }
            p.subi(local(mi.mul(lr / bc1), scope).divi(denom));
        }
    }

    private static NDArray zerosLike(NDArray p) {
        return p.getManager().zeros(p.getShape(), p.getDataType(), p.getDevice());
    }

    private static NDArray local(NDArray a, NDManager scope) {
        a.attach(scope);
        return a;
    }

    /** Moments by name ("m/param", "v/param") for a checkpoint. */
    public Map<String, NDArray> state() {
        Map<String, NDArray> s = new LinkedHashMap<>();
        m.forEach((k, a) -> s.put("m/" + k, a));
        v.forEach((k, a) -> s.put("v/" + k, a));
        return s;
    }

    /** Restores moments and the step count written by {@link #state()} and {@link #step()}. */
    public void restore(Map<String, NDArray> state, long steps, NDManager manager, ai.djl.Device device) {
        m.clear();
        v.clear();
        state.forEach((k, a) -> {
            NDArray copy = org.smarttuner.tts.model.Params.ownedCopy(a, device, manager);
            if (k.startsWith("m/")) {
                m.put(k.substring(2), copy);
            } else if (k.startsWith("v/")) {
                v.put(k.substring(2), copy);
            } else {
                throw new IllegalArgumentException("unknown optimizer state entry '" + k + "' in the checkpoint");
            }
        });
        step = steps;
    }
}
