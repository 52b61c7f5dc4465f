import { existsSync, readFileSync } from 'node:fs'

const hasProc = existsSync('/proc/self/stat')

/**
 * Whether the process with this pid (on this machine) still runs, for the pid-based locks: the
 * data folder's and the billing run's. A zombie is not running: after a SIGKILL the process stays
 * a zombie until its parent reaps it (a second or two, or until a restart script waits), holding
 * no files and running no code, yet `kill(pid, 0)` still finds it. On Linux its state is read
 * from /proc/<pid>/stat ('Z' zombie, 'X' dead); elsewhere `kill(pid, 0)` decides alone.
 */
export function isProcessRunning(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false
  }
  if (!hasProc) return true
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // "pid (command) state …": the command may hold spaces and parentheses, so read after the last ')'.
    const state = stat.slice(stat.lastIndexOf(')') + 2).charAt(0)
    return state !== 'Z' && state !== 'X'
  } catch {
    return false // reaped between the two looks
  }
}
