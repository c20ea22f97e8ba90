// Atomic report writing: mkstemp in the target folder, write, (fsync,) rename, (fsync the folder).
#include "reports/write_atomic.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

namespace lwm2m::report {

namespace {

Status IoError(const std::filesystem::path& path, const char* what, int err) {
  return InternalError(path.string() + ": " + what + ": " + std::strerror(err));
}

}  // namespace

Status WriteFileAtomic(const std::filesystem::path& path, std::string_view content, bool sync) {
  std::filesystem::path dir = path.parent_path();
  if (dir.empty()) dir = ".";
  // A dot name so globs such as *.json and listings of the report folder skip it.
  std::string tmpl = (dir / ("." + path.filename().string() + ".tmp-XXXXXX")).string();
  std::vector<char> name(tmpl.begin(), tmpl.end());
  name.push_back('\0');
  int fd = mkstemp(name.data());
  if (fd < 0) return IoError(path, "cannot create a temporary file", errno);
  std::string tmp(name.data());

  auto fail = [&](const char* what) {
    int err = errno;
    if (fd >= 0) close(fd);
    unlink(tmp.c_str());
    return IoError(path, what, err);
  };

  if (fchmod(fd, 0644) != 0) return fail("fchmod");
  const char* p = content.data();
  size_t left = content.size();
  while (left > 0) {
    ssize_t n = write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail("write");
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  if (sync && fsync(fd) != 0) return fail("fsync");
  if (close(fd) != 0) {
    fd = -1;
    return fail("close");
  }
  fd = -1;
  if (rename(tmp.c_str(), path.c_str()) != 0) return fail("rename");
  // Make the rename itself durable; failure here does not undo a completed replacement.
  int dfd = sync ? open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
  if (dfd >= 0) {
    fsync(dfd);
    close(dfd);
  }
  return Status::Ok();
}

}  // namespace lwm2m::report
