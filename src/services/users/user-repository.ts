import type { Db } from '../../db/database.ts'
import type { UserDto } from '../../contracts/users.ts'

type UserRow = { id: string; email: string; name: string; role: UserDto['role']; isActive: boolean; createdAt: Date }

export const toUserDto = (r: UserRow): UserDto => ({
  id: r.id,
  email: r.email,
  name: r.name,
  role: r.role,
  isActive: r.isActive,
  createdAt: r.createdAt.toISOString(),
})

const columns = ['id', 'email', 'name', 'role', 'isActive', 'createdAt'] as const

export const userRepository = {
  findById: (db: Db, id: string) => db.selectFrom('users').select(columns).where('id', '=', id).executeTakeFirst(),
  findByEmailWithHash: (db: Db, email: string) =>
    db
      .selectFrom('users')
      .select([...columns, 'passwordHash'])
      .where((eb) => eb(eb.fn('lower', ['email']), '=', email.toLowerCase()))
      .executeTakeFirst(),
  list: (db: Db) => db.selectFrom('users').select(columns).orderBy('name').orderBy('id').execute(),
  count: async (db: Db) => {
    const r = await db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
    return Number(r.n)
  },
  countActiveAdmins: async (db: Db) => {
    const r = await db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('role', '=', 'admin')
      .where('isActive', '=', true)
      .executeTakeFirstOrThrow()
    return Number(r.n)
  },
}
