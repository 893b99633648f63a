package org.smarttuner.study;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.smarttuner.study.distribution.Distribution;
import org.smarttuner.study.distribution.DistributionException;
import org.smarttuner.study.pruner.PruneDecision;
import org.smarttuner.study.pruner.Pruner;
import org.smarttuner.study.sampler.RandomSampler;
import org.smarttuner.study.sampler.Sample;
import org.smarttuner.study.sampler.Sampler;

/**
 * A study: trials asked from a sampler, told back, pruned by a pruner. Every method that changes
 * a trial returns its new state so the caller can record it (Delta, SQLite). The study holds no
 * state beyond its trials, so {@link #resume} from stored trials continues exactly.
 * Thread-safe (one lock); the driver is its only writer.
 */
public final class Study {
    /** System attribute Optuna uses for an enqueued trial's fixed parameters (external values). */
    public static final String FIXED_PARAMS = "fixed_params";
    /** System attribute naming the trial a retry replaces (as Optuna's RetryFailedTrialCallback). */
    public static final String FAILED_TRIAL = "failed_trial";
    public static final String RETRY_HISTORY = "retry_history";

    private static final int MAX_DRAWS = 64;

    private final String name;
    private final StudyDirection direction;
    private final Sampler sampler;
    private final Pruner pruner;
    private final Clock clock;
    private final List<FrozenTrial> trials;

    private Study(String name, StudyDirection direction, Sampler sampler, Pruner pruner, List<FrozenTrial> history,
                  Clock clock) {
        this.name = name;
        this.direction = direction;
        this.sampler = sampler;
        this.pruner = pruner;
        this.clock = clock;
        List<FrozenTrial> sorted = new ArrayList<>(history);
        sorted.sort(Comparator.comparingInt(FrozenTrial::number));
        for (int i = 0; i < sorted.size(); i++) {
            if (sorted.get(i).number() != i) {
                throw new StudyException("study '" + name + "': trial numbers must run 0.." + (sorted.size() - 1)
                        + " without gaps or repeats, found " + sorted.get(i).number() + " at position " + i);
            }
        }
        this.trials = sorted;
    }

    public static Study create(String name, StudyDirection direction, Sampler sampler, Pruner pruner) {
        return resume(name, direction, sampler, pruner, List.of());
    }

    /** Rebuilds a study from its stored trials (numbers 0..n-1). */
    public static Study resume(String name, StudyDirection direction, Sampler sampler, Pruner pruner,
                               List<FrozenTrial> history) {
        return resume(name, direction, sampler, pruner, history, Clock.systemUTC());
    }

    public static Study resume(String name, StudyDirection direction, Sampler sampler, Pruner pruner,
                               List<FrozenTrial> history, Clock clock) {
        return new Study(name, direction, sampler, pruner, history, clock);
    }

    public String name() {
        return name;
    }

    public StudyDirection direction() {
        return direction;
    }

    public Sampler sampler() {
        return sampler;
    }

    public Pruner pruner() {
        return pruner;
    }

    public synchronized List<FrozenTrial> trials() {
        return List.copyOf(trials);
    }

    public synchronized FrozenTrial trial(int number) {
        if (number < 0 || number >= trials.size()) {
            throw new StudyException("study '" + name + "' has no trial " + number + " (it has " + trials.size()
                    + " trials)");
        }
        return trials.get(number);
    }

    public synchronized StudyHistory history() {
        return new StudyHistory(name, direction, trials);
    }

    /** Adds a WAITING trial with fixed parameters (external values); the next ask takes it first. */
    public synchronized FrozenTrial enqueue(Map<String, Object> params) {
        FrozenTrial t = FrozenTrial.create(trials.size(), TrialState.WAITING, Optional.empty())
                .withSystemAttrs(Map.of(FIXED_PARAMS, new LinkedHashMap<>(params)));
        trials.add(t);
        return t;
    }

    /** Starts a trial: the oldest WAITING one if any (its fixed parameters kept), else a new one. */
    public synchronized FrozenTrial ask(Map<String, Distribution> space) {
        return ask(1, space).get(0);
    }

    /**
     * Starts {@code k} trials at once. They differ from each other and from every RUNNING trial
     * (asked again with a new draw, then at random, when a sampler proposes a repeat).
     */
    public synchronized List<FrozenTrial> ask(int k, Map<String, Distribution> space) {
        if (k < 1) {
            throw new StudyException("ask needs k >= 1, got " + k);
        }
        if (space.isEmpty()) {
            throw new StudyException("the search space is empty: nothing to sample");
        }
        List<FrozenTrial> out = new ArrayList<>(k);
        for (int i = 0; i < k; i++) {
            out.add(askOne(space));
        }
        return List.copyOf(out);
    }

    private FrozenTrial askOne(Map<String, Distribution> space) {
        Instant now = clock.instant();
        FrozenTrial base = trials.stream().filter(t -> t.state() == TrialState.WAITING).findFirst()
                .orElseGet(() -> {
                    FrozenTrial t = FrozenTrial.create(trials.size(), TrialState.WAITING, Optional.empty());
                    trials.add(t);
                    return t;
                });
        Map<String, Double> fixed = fixedParams(base, space);
        StudyHistory history = pruner.samplerView(new StudyHistory(name, direction, trials).without(base.number()),
                base.number());
        Set<Map<String, Double>> taken = new HashSet<>();
        for (FrozenTrial t : trials) {
            if (t.state() == TrialState.RUNNING && t.hasParams(space)) {
                taken.add(project(t.internalParams(), space));
            }
        }
        Sample sample = null;
        Map<String, Double> params = null;
        RandomSampler fallback = new RandomSampler(base.number());
        for (int draw = 0; draw < 2 * MAX_DRAWS; draw++) {
            Sampler s = draw < MAX_DRAWS ? sampler : fallback;
            sample = s.sample(history, base.number(), draw, space);
            params = new LinkedHashMap<>();
            for (String p : space.keySet()) {
                params.put(p, fixed.containsKey(p) ? fixed.get(p) : sample.params().get(p));
            }
            // Running trials already hold this point: draw again, a few times, then take it (as Optuna does; on
            // a space smaller than the number of workers, duplicates cannot be avoided).
            if (!fixed.isEmpty() || !taken.contains(params)) {
                break;
            }
        }
        for (Map.Entry<String, Double> e : params.entrySet()) {
            if (!space.get(e.getKey()).contains(e.getValue())) {
                throw new IllegalStateException(sampler.name() + " proposed " + e.getValue() + " for '" + e.getKey()
                        + "', outside " + space.get(e.getKey()).toJson());
            }
        }
        FrozenTrial started = base.withParams(params, space).withSystemAttrs(sample.systemAttrs())
                .withState(TrialState.RUNNING, Optional.empty(), Optional.empty()).withStart(Optional.of(now));
        trials.set(base.number(), started);
        return started;
    }

    private static Map<String, Double> project(Map<String, Double> params, Map<String, Distribution> space) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (String p : space.keySet()) {
            m.put(p, params.get(p));
        }
        return m;
    }

    private Map<String, Double> fixedParams(FrozenTrial t, Map<String, Distribution> space) {
        Object raw = t.systemAttrs().get(FIXED_PARAMS);
        if (!(raw instanceof Map<?, ?> m)) {
            return Map.of();
        }
        Map<String, Double> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            String p = String.valueOf(e.getKey());
            Distribution d = space.get(p);
            if (d == null) {
                continue; // Optuna ignores fixed values for parameters the objective never asks for.
            }
            double internal;
            try {
                internal = d.toInternal(e.getValue());
            } catch (DistributionException ex) {
                throw new StudyException("enqueued trial " + t.number() + ": fixed value " + e.getValue() + " of '"
                        + p + "' does not fit " + d.toJson() + ": " + ex.getMessage());
            }
            if (!d.contains(internal)) {
                throw new StudyException("enqueued trial " + t.number() + ": fixed value " + e.getValue() + " of '"
                        + p + "' is outside " + d.toJson());
            }
            out.put(p, internal);
        }
        return out;
    }

    /** Finishes a trial with its objective value; a NaN value makes it FAIL, as in Optuna. */
    public synchronized FrozenTrial tell(int number, double value) {
        return tell(number, TrialState.COMPLETE, Optional.of(value));
    }

    /** Finishes a trial as COMPLETE (value required), PRUNED (value optional) or FAIL. */
    public synchronized FrozenTrial tell(int number, TrialState state, Optional<Double> value) {
        FrozenTrial t = trial(number);
        if (t.state() != TrialState.RUNNING) {
            throw new StudyException("trial " + number + " of study '" + name + "' is " + t.state()
                    + "; only a RUNNING trial can be told");
        }
        if (!state.isFinished()) {
            throw new StudyException("a trial can be told COMPLETE, PRUNED or FAIL, not " + state);
        }
        if (value.isPresent() && Double.isNaN(value.get())) {
            // Optuna: "The value nan is not acceptable", and the trial is FAIL (a PRUNED one keeps its state and
            // takes its last reported value instead)
            value = Optional.empty();
            if (state == TrialState.COMPLETE) {
                state = TrialState.FAIL;
            }
        }
        if (state == TrialState.COMPLETE && value.isEmpty()) {
            throw new StudyException("trial " + number + ": COMPLETE needs a value");
        }
        Optional<Double> v = value;
        if (state == TrialState.PRUNED && v.isEmpty() && !t.intermediateValues().isEmpty()) {
            double last = t.intermediateValues().get(t.intermediateValues().lastKey());
            v = Double.isNaN(last) ? Optional.empty() : Optional.of(last); // as Optuna: the last reported value
        }
        if (state == TrialState.FAIL) {
            v = Optional.empty();
        }
        FrozenTrial done = t.withState(state, v, Optional.of(clock.instant()));
        trials.set(number, done);
        return done;
    }

    /** Records an intermediate value (NaN and infinities allowed: pruners stop on them). */
    public synchronized FrozenTrial report(int number, int step, double value) {
        FrozenTrial t = trial(number);
        if (t.state() != TrialState.RUNNING) {
            throw new StudyException("trial " + number + " is " + t.state() + "; only a RUNNING trial reports");
        }
        if (step < 0) {
            throw new StudyException("trial " + number + ": step must be >= 0, got " + step);
        }
        FrozenTrial r = t.withIntermediate(step, value);
        trials.set(number, r);
        return r;
    }

    /** The pruner's decision at the trial's last step; its system attributes are recorded on the trial. */
    public synchronized PruneDecision shouldPrune(int number) {
        FrozenTrial t = trial(number);
        if (t.state() != TrialState.RUNNING) {
            throw new StudyException("trial " + number + " is " + t.state() + "; only a RUNNING trial is pruned");
        }
        PruneDecision d = pruner.decide(history(), t);
        if (!d.systemAttrs().isEmpty()) {
            trials.set(number, t.withSystemAttrs(d.systemAttrs()));
        }
        return d;
    }

    /** The step up to which the trial can train before the pruner's next decision (empty: to the end). */
    public synchronized OptionalInt nextDecisionStep(int number, int currentStep) {
        return pruner.nextDecisionStep(history(), trial(number), currentStep);
    }

    /** Stores user attributes on a trial. */
    public synchronized FrozenTrial setUserAttrs(int number, Map<String, Object> attrs) {
        FrozenTrial t = trial(number).withUserAttrs(attrs);
        trials.set(number, t);
        return t;
    }

    /**
     * Marks a RUNNING trial FAIL (its worker is gone) and, when it has been tried fewer than
     * {@code maxRetries} times, enqueues its parameters again. Returns the new WAITING trial.
     */
    public synchronized Optional<FrozenTrial> failAndRetry(int number, int maxRetries) {
        FrozenTrial failed = tell(number, TrialState.FAIL, Optional.empty());
        if (failed.attempt() >= maxRetries) {
            return Optional.empty();
        }
        Object origin = failed.systemAttrs().getOrDefault(FAILED_TRIAL, failed.number());
        List<Object> history = new ArrayList<>();
        if (failed.systemAttrs().get(RETRY_HISTORY) instanceof List<?> l) {
            history.addAll(l);
        }
        history.add(failed.number());
        FrozenTrial retry = enqueue(failed.params());
        retry = retry.withSystemAttrs(Map.of(FAILED_TRIAL, origin, RETRY_HISTORY, history))
                .withAttempt(failed.attempt() + 1);
        trials.set(retry.number(), retry);
        return Optional.of(retry);
    }

    /** Replaces a trial with a stored copy (the storage's view wins, e.g. after another process wrote). */
    public synchronized void put(FrozenTrial t) {
        if (t.number() == trials.size()) {
            trials.add(t);
        } else {
            trial(t.number());
            trials.set(t.number(), t);
        }
    }

    /** The COMPLETE trial with the best value (the earliest on ties). */
    public synchronized Optional<FrozenTrial> bestTrial() {
        FrozenTrial best = null;
        for (FrozenTrial t : trials) {
            if (t.state() == TrialState.COMPLETE
                    && (best == null || direction.better(t.value().get(), best.value().get()))) {
                best = t;
            }
        }
        return Optional.ofNullable(best);
    }

    /** Why the study stops when its best trial is at least as good as {@code target}, or empty. */
    public synchronized Optional<String> targetReached(Optional<Double> target) {
        Optional<FrozenTrial> best = bestTrial();
        if (target.isEmpty() || best.isEmpty() || direction.better(target.get(), best.get().value().get())) {
            return Optional.empty();
        }
        return Optional.of("target value " + target.get() + " reached by trial " + best.get().number() + " with "
                + best.get().value().get());
    }

    /** Why the study should stop asking, or empty to go on. */
    public synchronized Optional<String> stopReason(StopConditions c, Map<String, Distribution> space,
                                                    Instant startedAt) {
        long asked = trials.stream().filter(t -> t.state() != TrialState.WAITING).count();
        if (c.nTrials().isPresent() && asked >= c.nTrials().getAsInt()) {
            return Optional.of("n_trials " + c.nTrials().getAsInt() + " reached");
        }
        if (c.timeout().isPresent()) {
            Duration spent = Duration.between(startedAt, clock.instant());
            if (spent.compareTo(c.timeout().get()) >= 0) {
                return Optional.of("timeout " + c.timeout().get() + " reached after " + spent);
            }
        }
        Optional<String> reached = targetReached(c.targetValue());
        if (reached.isPresent()) {
            return reached;
        }
        if (c.maxConsecutiveFailures().isPresent()) {
            int run = 0;
            List<FrozenTrial> finished = trials.stream().filter(t -> t.state().isFinished())
                    .sorted(Comparator.comparing((FrozenTrial t) -> t.complete().orElse(Instant.EPOCH))
                            .thenComparingInt(FrozenTrial::number)).toList();
            for (int i = finished.size() - 1; i >= 0 && finished.get(i).state() == TrialState.FAIL; i--) {
                run++;
            }
            if (run >= c.maxConsecutiveFailures().getAsInt()) {
                return Optional.of(run + " trials failed in a row (max_failures " + c.maxConsecutiveFailures()
                        .getAsInt() + ")");
            }
        }
        boolean waiting = trials.stream().anyMatch(t -> t.state() == TrialState.WAITING);
        if (!waiting && sampler.exhausted(history(), space)) {
            return Optional.of(sampler.name() + " sampler has visited every point of the search space");
        }
        return Optional.empty();
    }
}
