/**
 * Python's {@code file_wrapper} and {@code file_dispatcher} over raw Unix file
 * descriptors, through {@code java.lang.foreign}. Needs
 * {@code --enable-native-access=io.asyncore.file}.
 */
module io.asyncore.file {
    requires io.asyncore.api;
    requires static org.osgi.annotation.versioning;
    requires static org.osgi.annotation.bundle;

    exports io.asyncore.file;
}
