// Login checks for the test server: password, key-pair JWT (RS256 signature verified against the
// user's public key when one is configured), programmatic access tokens and OAuth tokens.
// Without a user table every login is accepted.

import { verify } from 'node:crypto';
import { invalidJwt, loginFailed } from './errors.js';

/** One configured user; an omitted credential is not checked. */
export interface UserSpec {
  password?: string;
  publicKeyPem?: string;
  tokens?: string[];
}

/** The login request's `data` fields the check uses. */
export interface LoginData {
  LOGIN_NAME?: string;
  PASSWORD?: string;
  AUTHENTICATOR?: string;
  TOKEN?: string;
}

function verifyJwt(token: string, publicKeyPem: string): boolean {
  const [header, payload, signature] = token.split('.');
  if (!header || !payload || !signature) return false;
  try {
    return verify('RSA-SHA256', Buffer.from(`${header}.${payload}`), publicKeyPem, Buffer.from(signature, 'base64url'));
  } catch {
    return false;
  }
}

/** Returns the user name (upper case unless configured otherwise), or throws 390100 / 390144 like Snowflake. */
export function authenticate(users: Record<string, UserSpec> | undefined, data: LoginData): string {
  const login = data.LOGIN_NAME ?? '';
  if (!users) return login.toUpperCase();
  const key = Object.keys(users).find((u) => u.toUpperCase() === login.toUpperCase());
  const user = key === undefined ? undefined : users[key];
  if (!user) throw loginFailed();
  const authenticator = (data.AUTHENTICATOR ?? 'SNOWFLAKE').toUpperCase();
  if (authenticator === 'SNOWFLAKE_JWT') {
    if (user.publicKeyPem !== undefined && !verifyJwt(data.TOKEN ?? '', user.publicKeyPem)) throw invalidJwt();
    return key as string;
  }
  if (authenticator === 'PROGRAMMATIC_ACCESS_TOKEN' || authenticator === 'OAUTH') {
    const token = data.TOKEN ?? data.PASSWORD ?? '';
    if (user.tokens !== undefined && !user.tokens.includes(token)) throw loginFailed();
    return key as string;
  }
  if (user.password !== undefined && data.PASSWORD !== user.password) throw loginFailed();
  return key as string;
}
