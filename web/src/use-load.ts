import { errorMessage } from './api.ts'
import { useApiQuery } from './query.ts'

export interface Loaded<T> {
  data: T | null
  error: string | null
  loading: boolean
  reload(): void
}

/** `useApiQuery` in the older pages' shape: GETs a path and re-fetches whenever the path changes. */
export function useLoad<T>(path: string | null): Loaded<T> {
  const query = useApiQuery<T>(path)
  return {
    data: query.data ?? null,
    error: query.error ? errorMessage(query.error) : null,
    loading: query.isFetching,
    reload: () => void query.refetch(),
  }
}
