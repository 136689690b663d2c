/**
 * Kernel error numbers and the text user space prints for them.
 *
 * Kernel functions here return negative errnos exactly as C does (-EINVAL), so that a
 * value like the "(-16)" in "failed to register ftrace handler ... (-16)" is the real one.
 */

export const EPERM = 1;
export const ENOENT = 2;
export const ESRCH = 3;
export const EINTR = 4;
export const EIO = 5;
export const ENOEXEC = 8;
export const EAGAIN = 11;
export const EWOULDBLOCK = EAGAIN;
export const ENOMEM = 12;
export const EACCES = 13;
export const EFAULT = 14;
export const EBUSY = 16;
export const EEXIST = 17;
export const ENODEV = 19;
export const ENOTDIR = 20;
export const EISDIR = 21;
export const EINVAL = 22;
export const ENOSPC = 28;
export const ERANGE = 34;
export const ENOSYS = 38;
export const ENOTSUPP = 524;
export const EOPNOTSUPP = 95;
export const EADDRINUSE = 98;

interface ErrnoInfo {
  name: string;
  /** glibc strerror() text */
  text: string;
}

const TABLE: Record<number, ErrnoInfo> = {
  [EPERM]: { name: 'EPERM', text: 'Operation not permitted' },
  [ENOENT]: { name: 'ENOENT', text: 'No such file or directory' },
  [ESRCH]: { name: 'ESRCH', text: 'No such process' },
  [EINTR]: { name: 'EINTR', text: 'Interrupted system call' },
  [EIO]: { name: 'EIO', text: 'Input/output error' },
  [ENOEXEC]: { name: 'ENOEXEC', text: 'Exec format error' },
  [EAGAIN]: { name: 'EAGAIN', text: 'Resource temporarily unavailable' },
  [ENOMEM]: { name: 'ENOMEM', text: 'Cannot allocate memory' },
  [EACCES]: { name: 'EACCES', text: 'Permission denied' },
  [EFAULT]: { name: 'EFAULT', text: 'Bad address' },
  [EBUSY]: { name: 'EBUSY', text: 'Device or resource busy' },
  [EEXIST]: { name: 'EEXIST', text: 'File exists' },
  [ENODEV]: { name: 'ENODEV', text: 'No such device' },
  [ENOTDIR]: { name: 'ENOTDIR', text: 'Not a directory' },
  [EISDIR]: { name: 'EISDIR', text: 'Is a directory' },
  [EINVAL]: { name: 'EINVAL', text: 'Invalid argument' },
  [ENOSPC]: { name: 'ENOSPC', text: 'No space left on device' },
  [ERANGE]: { name: 'ERANGE', text: 'Numerical result out of range' },
  [ENOSYS]: { name: 'ENOSYS', text: 'Function not implemented' },
  [EOPNOTSUPP]: { name: 'EOPNOTSUPP', text: 'Operation not supported' },
  [EADDRINUSE]: { name: 'EADDRINUSE', text: 'Address already in use' },
  [ENOTSUPP]: { name: 'ENOTSUPP', text: 'Unknown error 524' },
};

/** errno (positive or negative) -> glibc strerror() text */
export function strerror(err: number): string {
  const e = Math.abs(err);
  return TABLE[e]?.text ?? `Unknown error ${e}`;
}

/** errno (positive or negative) -> its symbolic name, e.g. "EINVAL" */
export function errnoName(err: number): string {
  const e = Math.abs(err);
  return TABLE[e]?.name ?? `E${e}`;
}

/** symbolic name ("ENODEV") -> positive errno, or undefined */
/**
 * kmod's mod_strerror(): what insmod/modprobe print for a failed init_module(2).
 * kmod rewrites a few errnos into module-specific wording; everything else is strerror().
 */
export function modStrerror(err: number): string {
  switch (Math.abs(err)) {
    case ENOEXEC:
      return 'Invalid module format';
    case ENOENT:
    case ESRCH:
      return 'Unknown symbol in module';
    case EINVAL:
      return 'Invalid parameters';
    default:
      return strerror(err);
  }
}
