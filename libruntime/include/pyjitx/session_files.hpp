/* pyjitx/session_files.hpp: how pyjitx::Session reads a saved directory's
 * files (included by session.hpp; pyjitx/files.py is the Python loader's
 * copy).  Only regular files inside the directory are read: a path with a
 * symbolic link among its components below the directory (ops/ itself, the
 * manifest, a file) is refused without following it, since it could lead
 * to any file on the machine, whose size and digest an error would then
 * print; a FIFO or a device is refused without reading (a read could block
 * or never end).  The directory itself may be reached through a link. */
#ifndef PYJITX_SESSION_FILES_HPP
#define PYJITX_SESSION_FILES_HPP

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <string>

namespace pyjitx {
namespace detail {
namespace session {

/* The first path below `root` on the way to `relative` ('/'-separated)
 * that is a symbolic link, or "" (also when a component is missing). */
inline std::string linked_component(const std::string &root, const std::string &relative) {
    std::string path = root;
    size_t start = 0;
    for (;;) {
        size_t end = relative.find('/', start);
        path += "/" + relative.substr(start, end == std::string::npos ? std::string::npos : end - start);
        struct stat st;
        if (lstat(path.c_str(), &st) != 0) return "";
        if (S_ISLNK(st.st_mode)) return path;
        if (end == std::string::npos) return "";
        start = end + 1;
    }
}

/* A file of the directory, opened for reading as files.py's open_inside:
 * ok(), or why() is "missing" or a sentence naming the path inside the
 * directory that is a link or not a regular file. */
class InsideFile {
public:
    InsideFile(const std::string &root, const std::string &relative) {
        std::string linked = linked_component(root, relative);
        if (!linked.empty()) {
            why_ = linked + " is a symbolic link";
            return;
        }
        std::string path = root + "/" + relative;
        fd_ = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        struct stat st;
        if (fd_ >= 0 && fstat(fd_, &st) == 0 && S_ISREG(st.st_mode)) {
            size_ = (int64_t)st.st_size;
            int flags = fcntl(fd_, F_GETFL);
            if (flags >= 0) fcntl(fd_, F_SETFL, flags & ~O_NONBLOCK);
            return;
        }
        close_fd();
        why_ = lstat(path.c_str(), &st) != 0 ? "missing" : path + " is not a regular file";
    }
    ~InsideFile() { close_fd(); }
    InsideFile(const InsideFile &) = delete;
    InsideFile &operator=(const InsideFile &) = delete;

    bool ok() const { return fd_ >= 0; }
    const std::string &why() const { return why_; }
    int64_t size() const { return size_; }

    /* Up to limit + 1 bytes into `out` (so that a file longer than `limit`
     * shows as such); false on a read error. */
    bool read(int64_t limit, std::string &out) {
        out.clear();
        char buffer[1 << 16];
        while ((int64_t)out.size() <= limit) {
            size_t want = sizeof buffer;
            if ((int64_t)want > limit + 1 - (int64_t)out.size()) want = (size_t)(limit + 1 - (int64_t)out.size());
            ssize_t n = ::read(fd_, buffer, want);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) return false;
            if (n == 0) break;
            out.append(buffer, (size_t)n);
        }
        return true;
    }

private:
    void close_fd() {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }
    int fd_ = -1;
    int64_t size_ = 0;
    std::string why_;
};

} // namespace session
} // namespace detail
} // namespace pyjitx

#endif
