package org.smarttuner.tracking;

import java.util.Objects;

/**
 * How the tracker signs in to the tracking server; {@code source} names where the credential came from.
 * The secret part is a {@link Secret}: it shows as {@code *****} in {@code toString} and is revealed only
 * to build the Authorization header (in the package-private {@code MlflowApi}).
 */
public sealed interface Credentials {

    /** Where it was set, for messages: an environment variable or the config key. */
    String source();

    /** {@code Authorization: Bearer <token>}. */
    record Bearer(Secret token, String source) implements Credentials {
        public Bearer {
            Objects.requireNonNull(token, "token");
            Objects.requireNonNull(source, "source");
        }
    }

    /** {@code Authorization: Basic base64(user:password)}, user and password already percent-decoded. */
    record Basic(String user, Secret password, String source) implements Credentials {
        public Basic {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(password, "password");
            Objects.requireNonNull(source, "source");
        }

        /** Same user and password, wherever each came from. */
        boolean sameAs(Basic other) {
            return user.equals(other.user) && password.reveal().equals(other.password.reveal());
        }
    }
}
