import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'

/**
 * A process whose parent never reaps it, as under a restart script that has not waited yet: after a
 * SIGKILL it stays a zombie (`Z` in /proc/<pid>/stat) until `close()` ends the parent.
 */
export interface Unreaped {
  pid: number
  /** Everything the process has printed so far. */
  output(): string
  /** SIGKILL, then waits until the process is a zombie. */
  killToZombie(): Promise<void>
  close(): void
}

export async function spawnUnreaped(command: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Unreaped> {
  const quoted = command.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ')
  // The shell starts the command in the background, says its pid, then becomes `sleep`, which never waits.
  const parent: ChildProcess = spawn('sh', ['-c', `${quoted} & echo "pid $!"; exec sleep 600`], { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  parent.stdout!.on('data', (d) => (out += d))
  parent.stderr!.on('data', (d) => (out += d))
  const pid = await until(() => Number(/^pid (\d+)$/m.exec(out)?.[1]) || undefined, 10_000, () => `no pid: ${out}`)
  return {
    pid,
    output: () => out,
    killToZombie: async () => {
      process.kill(pid, 'SIGKILL')
      await until(() => state(pid) === 'Z' || undefined, 10_000, () => `pid ${pid} is ${state(pid)}, not a zombie`)
    },
    close: () => void parent.kill('SIGKILL'),
  }
}

/** The process state letter from /proc (R, S, Z…), or null when there is no such process. */
export function state(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2).charAt(0)
  } catch {
    return null
  }
}

export async function until<T>(look: () => T | undefined, timeoutMs: number, why: () => string): Promise<T> {
  const end = Date.now() + timeoutMs
  for (;;) {
    const v = look()
    if (v !== undefined) return v
    if (Date.now() > end) throw new Error(why())
    await new Promise((r) => setTimeout(r, 20))
  }
}
