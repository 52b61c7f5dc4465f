import { keepPreviousData, QueryClient, useMutation, useQuery, type UseQueryOptions } from '@tanstack/react-query'
import { api, ApiError, setChangeHandler, type Method } from './api.ts'

/**
 * Server data through TanStack Query. A query's key is its API path, so two components reading the same
 * path share one request and one cached answer. Any change made through `api()` (every method but GET)
 * refetches what is on screen and forgets what is not, so no page ever shows data from before a change.
 */
export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // A 4xx will answer the same again; network trouble and 5xx get two more tries.
      retry: (failures, err) => !(err instanceof ApiError && err.status >= 400 && err.status < 500) && failures < 2,
      refetchOnWindowFocus: false,
    },
  },
})

setChangeHandler(() => {
  queryClient.removeQueries({ type: 'inactive' })
  void queryClient.invalidateQueries()
})

type QueryOptions<T> = Omit<UseQueryOptions<T, ApiError>, 'queryKey' | 'queryFn' | 'enabled'>

/** GETs `path` (nothing while it is null); the previous answer stays on screen while a new path loads. */
export function useApiQuery<T>(path: string | null, options: QueryOptions<T> = {}) {
  return useQuery<T, ApiError>({
    queryKey: [path],
    queryFn: ({ signal }) => api<T>('GET', path!, undefined, signal),
    enabled: path !== null,
    placeholderData: keepPreviousData,
    ...options,
  })
}

/**
 * A change through the API: `mutateAsync(body)` resolves with the answer or rejects with an ApiError whose
 * `fields` name the bad fields (422). `path` may depend on the variables (`(v) => /api/users/${v.id}`).
 */
export function useApiMutation<TResult = unknown, TBody = void>(method: Exclude<Method, 'GET'>, path: string | ((body: TBody) => string)) {
  return useMutation<TResult, ApiError, TBody>({
    mutationFn: (body) => api<TResult>(method, typeof path === 'function' ? path(body) : path, body === undefined ? undefined : body),
  })
}
