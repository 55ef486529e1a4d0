// The one module that imports jose, loaded when the first token is signed (see `videosdk-auth.ts`): an
// application that only imports the adapter, or gives it a ready-made token, never loads jose. A static
// import here keeps bundles to the one jose export used.
import { SignJWT } from 'jose';

/** Signs an HS256 JWT with these claims, `iat` and `exp`, and a `jti` when given. */
export function signVideosdkJwt(options: {
  claims: Record<string, unknown>;
  issuedAt: number;
  expiresAt: number;
  jti?: string | undefined;
  key: Uint8Array;
}): Promise<string> {
  const jwt = new SignJWT(options.claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt(options.issuedAt)
    .setExpirationTime(options.expiresAt);
  if (options.jti !== undefined) jwt.setJti(options.jti);
  return jwt.sign(options.key);
}
