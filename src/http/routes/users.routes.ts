import { IdParams } from '../../contracts/common.ts'
import { UserCreateInput, UserUpdateInput } from '../../contracts/users.ts'
import { notFound } from '../../domain/errors.ts'
import type { ServiceDeps } from '../../services/deps.ts'
import { createUser, updateUser } from '../../services/users/manage-users.ts'
import { toUserDto, userRepository } from '../../services/users/user-repository.ts'
import { ADMIN, defineRoute } from '../route.ts'


export const usersRoutes = (deps: ServiceDeps) => [
  defineRoute({
    method: 'GET',
    url: '/api/users',
    summary: 'List office users',
    tag: 'users',
    access: ADMIN,
    handler: async () => ({ items: (await userRepository.list(deps.db)).map(toUserDto) }),
  }),
  defineRoute({
    method: 'GET',
    url: '/api/users/:id',
    summary: 'One office user',
    tag: 'users',
    access: ADMIN,
    params: IdParams,
    handler: async ({ params }) => {
      const user = await userRepository.findById(deps.db, params.id)
      if (!user) throw notFound('user', params.id)
      return toUserDto(user)
    },
  }),
  defineRoute({
    method: 'POST',
    url: '/api/users',
    summary: 'Create an office user (admin, office or technician)',
    tag: 'users',
    access: ADMIN,
    body: UserCreateInput,
    status: 201,
    handler: async ({ body, auth }) => createUser(deps, body, auth.user.id),
  }),
  defineRoute({
    method: 'PATCH',
    url: '/api/users/:id',
    summary: 'Change a user: name, role, active, password',
    tag: 'users',
    access: ADMIN,
    params: IdParams,
    body: UserUpdateInput,
    handler: async ({ params, body, auth }) => updateUser(deps, params.id, body, auth.user.id),
  }),
]
