/**
 * Which roles the session holds (its role, or one it inherits), asked with IS_ROLE_IN_SESSION in one
 * statement for any number of roles: the one place where ckpt decides whether its role owns an object
 * (observe's ownership of tables and views, and `ckpt connection test`'s privilege checks). Snowflake
 * documents IS_ROLE_IN_SESSION with a literal argument
 * (https://docs.snowflake.com/en/sql-reference/functions/is_role_in_session), so owners are asked by name.
 */
import type { SnowflakeRow } from './snowflake-driver.js';
import { snowflakeLiteral } from './snowflake-sql.js';

/** The statement that asks which of `roles` the session holds, one column per role (R0, R1, …). */
function rolesSql(roles: string[]): string {
  return `SELECT ${roles.map((r, i) => `IS_ROLE_IN_SESSION(${snowflakeLiteral(r)}) AS R${i}`).join(', ')}`;
}

/** The roles of `roles` the session holds, in one round trip (none when `roles` is empty). */
export async function rolesHeld(run: (sql: string) => Promise<SnowflakeRow[]>, roles: Iterable<string>): Promise<Set<string>> {
  const asked = [...new Set(roles)];
  const held = new Set<string>();
  if (asked.length === 0) return held;
  const [row] = await run(rolesSql(asked));
  asked.forEach((r, i) => {
    const v = row?.[`R${i}`];
    if (v === true || String(v).toUpperCase() === 'TRUE') held.add(r);
  });
  return held;
}
