package org.smarttuner.storage;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.smarttuner.study.FrozenTrial;
import org.smarttuner.study.Spaces;
import org.smarttuner.study.Study;
import org.smarttuner.study.StudyDirection;
import org.smarttuner.study.pruner.NopPruner;
import org.smarttuner.study.sampler.TpeSampler;

/** A writer process for the concurrency test: ask/tell in a loop; value = writer * 1e6 + sequence. */
public final class ConcurrencyWorker {
    private ConcurrencyWorker() {
    }

    public static void main(String[] args) {
        Path file = Path.of(args[0]);
        int writer = Integer.parseInt(args[1]);
        long end = System.currentTimeMillis() + Long.parseLong(args[2]) * 1000;
        TpeSampler tpe = new TpeSampler(writer);
        int seq = 0;
        try (SqliteStudyStorage st = SqliteStudyStorage.open(file)) {
            st.openOrCreateStudy("race", StudyDirection.MINIMIZE);
            while (System.currentTimeMillis() < end) {
                FrozenTrial t = st.update("race", trials -> {
                    Study s = Study.resume("race", StudyDirection.MINIMIZE, tpe, new NopPruner(), trials);
                    FrozenTrial asked = s.ask(Spaces.box(2, -1, 1));
                    return new Update<>(List.of(asked), asked);
                });
                double value = writer * 1e6 + seq;
                int mySeq = seq;
                st.update("race", trials -> {
                    Study s = Study.resume("race", StudyDirection.MINIMIZE, tpe, new NopPruner(), trials);
                    s.setUserAttrs(t.number(), Map.of("writer", writer, "seq", mySeq));
                    return new Update<>(List.of(s.tell(t.number(), value)), null);
                });
                seq++;
            }
        }
        System.out.println("DONE " + seq);
    }
}
