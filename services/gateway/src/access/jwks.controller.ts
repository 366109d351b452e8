import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthRpc } from '@kinship/contracts';
import { AccessTokenKeys } from './access-token-keys.js';
import { Public } from './route-access.js';

/** The public keys that verify Kinship access tokens, for partners who verify them themselves (RFC 7517). */
@ApiTags('operations')
@Controller('.well-known')
export class JwksController {
  constructor(private readonly keys: AccessTokenKeys) {}

  @Get('jwks.json')
  @Public()
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOperation({
    summary: 'Access-token verification keys',
    description: 'The public keys that verify access tokens (JWK Set); a token names its key in its `kid` header.',
    security: [],
  })
  @ApiOkResponse({ description: 'A JWK Set of Ed25519 keys (alg EdDSA): the current key and those retired within the access-token lifetime.' })
  jwks(): Promise<AuthRpc.PublicSigningKeySet> {
    return this.keys.jwks();
  }
}
