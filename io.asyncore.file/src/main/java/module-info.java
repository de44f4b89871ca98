/**
 * Python's {@code file_wrapper} and {@code file_dispatcher} over raw Unix file
 * descriptors, through {@code java.lang.foreign}. Needs
 * {@code --enable-native-access=io.asyncore.file}.
 *
 * <p>{@code osgi.core} is needed only by the bundle activator (package
 * {@code io.asyncore.file.internal.osgi}), which only a framework loads.
 */
module io.asyncore.file {
    requires transitive io.asyncore.api;
    requires static osgi.core;
    requires static org.osgi.annotation.versioning;
    requires static org.osgi.annotation.bundle;

    exports io.asyncore.file;
}
