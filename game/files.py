"""Writing a file safely: the whole new file or the old one, never half of either; only over a
regular file (never through a link, into a device or over a folder); and no temporary files left
behind by writes that were cut short, once they are stale.

Every command that writes a file goes through `write_file`: saves, transcripts, debrief exports.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import stat
import sys
import time
from pathlib import Path

from game.safetext import shown

#: Written in pieces with unbuffered os.write: nothing is left in a user-space buffer to flush.
CHUNK = 64 * 1024
TEMP_SUFFIX = ".tmp"
#: A writer never takes this long between making its temporary file and renaming it, so a
#: temporary file older than this whose process is gone was left by a write that was cut short.
MIN_AGE = 60.0
#: A temporary file this old is stale whoever made it (its process id may have been reused).
STALE_AFTER = 3600.0
#: How much of the target's name a temporary file's name keeps (names are limited to 255 bytes).
_NAME_PART = 120

# `.NAME.PID-RANDOM.tmp`; earlier versions wrote `.NAME.RANDOM.tmp` with 8 characters of
# tempfile's alphabet, and left the same kind of litter when they were killed.
_TEMP = re.compile(r"^\.(?P<name>.+)\.(?P<pid>[0-9]+)-[0-9a-f]{8}\.tmp$")
_OLD_TEMP = re.compile(r"^\.(?P<name>.+\.json)\.[a-z0-9_]{8}\.tmp$")


class WriteError(Exception):
    """A file was not written; the message is one line that says where and why (safe to show). `errno` is set
    when the system refused (disk full, read-only, ...), None when the target is not a file."""

    def __init__(self, message: str, code: int | None = None, reason: str = "") -> None:
        super().__init__(shown(message))
        self.errno = code
        #: the system's words when it refused ("No space left on device"), else the message
        self.reason = shown(reason or message)


def kind_of(mode: int) -> str | None:
    """What a file system entry is, in words, when it is not a regular file (else None)."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def check_target(path: Path) -> os.stat_result | None:
    """The target's own status (not following a link), or None when there is nothing there yet.

    Raises WriteError when something other than a regular file is there: a write would replace it.
    """
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise _refused(path, exc) from None
    kind = kind_of(info.st_mode)
    if kind is not None:
        raise WriteError(f"{path} is {kind}, not a file: it was left as it is and nothing was written")
    return info


def write_file(path: Path, data: bytes, durable: bool = True) -> None:
    """Replace or create the regular file `path` with `data`, so that a crash at any moment leaves
    either the old file or the new one.

    The data goes to a temporary file in the same folder (the same file system, so the rename is
    atomic), is fsynced (with `durable`), then renamed over the target; the folder is fsynced so
    the rename itself survives. A file that is there already keeps its permissions.
    Raises WriteError (nothing changed) when the target is not a regular file or the system refuses.
    """
    folder = path.parent
    old = check_target(path)
    remove_stale(folder, path.name)
    mode = stat.S_IMODE(old.st_mode) if old is not None else 0o666
    temp = folder / f".{path.name[:_NAME_PART]}.{os.getpid()}-{secrets.token_hex(4)}{TEMP_SUFFIX}"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(temp, flags, mode)
    except OSError as exc:
        raise _refused(path, exc) from None
    try:
        try:
            if old is not None and hasattr(os, "fchmod"):
                os.fchmod(fd, mode)  # exactly the old file's permissions, whatever the umask
            view = memoryview(data)
            while view:
                written = os.write(fd, view[:CHUNK])
                view = view[written:]
            if durable:
                os.fsync(fd)
        finally:
            os.close(fd)
        check_target(path)  # (something else may have been put there meanwhile)
        os.replace(temp, path)
    except WriteError:
        _discard(temp)
        raise
    except OSError as exc:
        _discard(temp)
        raise _refused(path, exc) from None
    except BaseException:
        _discard(temp)
        raise
    if durable:
        _fsync_folder(folder)


def _refused(path: Path, exc: OSError) -> WriteError:
    reason = str(exc.strerror or exc)
    return WriteError(f"cannot write {path}: {reason}", exc.errno, reason)


def _discard(temp: Path) -> None:
    with contextlib.suppress(OSError):
        os.unlink(temp)


#: errors of a folder's fsync that say only that the system cannot do it (the rename is still atomic)
_UNSUPPORTED = {errno.EINVAL, errno.EBADF, errno.EACCES, errno.EPERM, getattr(errno, "ENOTSUP", errno.EINVAL)}


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return  # folders cannot be opened on some systems (Windows)
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in _UNSUPPORTED:
            raise WriteError(f"written to {folder}, but the disk reported an error ({exc.strerror or exc}); "
                             "it may not survive a crash", exc.errno, str(exc.strerror or exc)) from None
    finally:
        with contextlib.suppress(OSError):
            os.close(fd)


def _process_gone(pid: int) -> bool:
    if sys.platform == "win32" or pid <= 0:
        return False  # (os.kill(pid, 0) would send CTRL_C_EVENT on Windows)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False  # another user's process, or not ours to ask about: treat it as alive
    return False


def stale_temporary_files(folder: Path, name: str | None = None, now: float | None = None) -> list[Path]:
    """The temporary files of writes into `folder` (of the file `name`, when given) that were cut
    short: regular files of this user, named as `write_file` names them, that no live write owns.
    """
    now = time.time() if now is None else now
    found: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return found
    for entry in entries:
        if not entry.name.startswith(".") or not entry.name.endswith(TEMP_SUFFIX):
            continue
        match = _TEMP.match(entry.name) or _OLD_TEMP.match(entry.name)
        if match is None or (name is not None and match.group("name") != name[:_NAME_PART]):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if not stat.S_ISREG(info.st_mode) or (hasattr(os, "geteuid") and info.st_uid != os.geteuid()):
            continue
        age = now - info.st_mtime
        if age < MIN_AGE:
            continue
        pid = match.groupdict().get("pid")
        if age >= STALE_AFTER or (pid is not None and _process_gone(int(pid))):
            found.append(Path(entry.path))
    return found


def remove_stale(folder: Path, name: str | None = None) -> int:
    """Remove the stale temporary files of cut-short writes into `folder`; how many went."""
    removed = 0
    for path in stale_temporary_files(folder, name):
        with contextlib.suppress(OSError):
            path.unlink()
            removed += 1
    return removed
