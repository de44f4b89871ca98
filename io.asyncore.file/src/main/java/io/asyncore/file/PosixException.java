package io.asyncore.file;

import java.io.IOException;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A failed POSIX call: the Java form of Python's {@code OSError} for file descriptors.
 *
 * <p>The message names the call, its descriptor and the errno, such as
 * {@code "read(7): EBADF"}, so that {@link io.asyncore.Disconnects} recognises the
 * disconnect errors ({@code EPIPE}, {@code EBADF}, ...) from the message alone.
 */
@ProviderType
public final class PosixException extends IOException {

    private static final long serialVersionUID = 1L;

    // Linux errno numbers (asm-generic, shared by x86_64 and aarch64), index = errno.
    private static final String[] NAMES = {
        null, "EPERM", "ENOENT", "ESRCH", "EINTR", "EIO", "ENXIO", "E2BIG", "ENOEXEC", "EBADF",
        "ECHILD", "EAGAIN", "ENOMEM", "EACCES", "EFAULT", "ENOTBLK", "EBUSY", "EEXIST", "EXDEV",
        "ENODEV", "ENOTDIR", "EISDIR", "EINVAL", "ENFILE", "EMFILE", "ENOTTY", "ETXTBSY",
        "EFBIG", "ENOSPC", "ESPIPE", "EROFS", "EMLINK", "EPIPE", "EDOM", "ERANGE", "EDEADLK",
        "ENAMETOOLONG", "ENOLCK", "ENOSYS", "ENOTEMPTY", "ELOOP", null, "ENOMSG", "EIDRM",
        "ECHRNG", "EL2NSYNC", "EL3HLT", "EL3RST", "ELNRNG", "EUNATCH", "ENOCSI", "EL2HLT",
        "EBADE", "EBADR", "EXFULL", "ENOANO", "EBADRQC", "EBADSLT", null, "EBFONT", "ENOSTR",
        "ENODATA", "ETIME", "ENOSR", "ENONET", "ENOPKG", "EREMOTE", "ENOLINK", "EADV", "ESRMNT",
        "ECOMM", "EPROTO", "EMULTIHOP", "EDOTDOT", "EBADMSG", "EOVERFLOW", "ENOTUNIQ", "EBADFD",
        "EREMCHG", "ELIBACC", "ELIBBAD", "ELIBSCN", "ELIBMAX", "ELIBEXEC", "EILSEQ", "ERESTART",
        "ESTRPIPE", "EUSERS", "ENOTSOCK", "EDESTADDRREQ", "EMSGSIZE", "EPROTOTYPE",
        "ENOPROTOOPT", "EPROTONOSUPPORT", "ESOCKTNOSUPPORT", "EOPNOTSUPP", "EPFNOSUPPORT",
        "EAFNOSUPPORT", "EADDRINUSE", "EADDRNOTAVAIL", "ENETDOWN", "ENETUNREACH", "ENETRESET",
        "ECONNABORTED", "ECONNRESET", "ENOBUFS", "EISCONN", "ENOTCONN", "ESHUTDOWN",
        "ETOOMANYREFS", "ETIMEDOUT", "ECONNREFUSED", "EHOSTDOWN", "EHOSTUNREACH", "EALREADY",
        "EINPROGRESS", "ESTALE", "EUCLEAN", "ENOTNAM", "ENAVAIL", "EISNAM", "EREMOTEIO",
        "EDQUOT", "ENOMEDIUM", "EMEDIUMTYPE", "ECANCELED", "ENOKEY", "EKEYEXPIRED",
        "EKEYREVOKED", "EKEYREJECTED", "EOWNERDEAD", "ENOTRECOVERABLE", "ERFKILL", "EHWPOISON",
    };

    private final int errno;
    private final String call;

    /**
     * A failure of {@code call} with {@code errno}.
     *
     * @param call what was called, such as {@code "read(7)"}
     * @param errno the errno value the call left
     */
    public PosixException(String call, int errno) {
        super(call + ": " + name(errno));
        this.errno = errno;
        this.call = call;
    }

    /**
     * The errno value, as Python's {@code OSError.errno}.
     *
     * @return the errno number
     */
    public int errno() {
        return errno;
    }

    /**
     * The errno's symbolic name.
     *
     * @return such as {@code "EAGAIN"}
     */
    public String errnoName() {
        return name(errno);
    }

    /**
     * The failed call with its arguments of interest.
     *
     * @return such as {@code "write(9)"}
     */
    public String call() {
        return call;
    }

    /**
     * The symbolic name of an errno value.
     *
     * @param errno an errno number
     * @return its name, such as {@code "EPIPE"}, or {@code "errno 999"} when unknown
     */
    public static String name(int errno) {
        if (errno > 0 && errno < NAMES.length && NAMES[errno] != null) {
            return NAMES[errno];
        }
        return "errno " + errno;
    }
}
