import { useCallback, useEffect, useState } from 'react'
import { api, errorMessage } from './api.ts'

export interface Loaded<T> {
  data: T | null
  error: string | null
  loading: boolean
  reload(): void
}

/** GETs a path and re-fetches whenever the path changes; stale answers are dropped. */
export function useLoad<T>(path: string | null): Loaded<T> {
  const [data, setData] = useState<T | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [loading, setLoading] = useState(path !== null)
  const [version, setVersion] = useState(0)

  useEffect(() => {
    if (path === null) return
    let current = true
    setLoading(true)
    api<T>('GET', path)
      .then((result) => {
        if (!current) return
        setData(result)
        setError(null)
      })
      .catch((err: unknown) => current && setError(errorMessage(err)))
      .finally(() => current && setLoading(false))
    return () => {
      current = false
    }
  }, [path, version])

  const reload = useCallback(() => setVersion((v) => v + 1), [])
  return { data, error, loading, reload }
}
