import { Controller } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import type { AuthRpc } from '@kinship/contracts';
import { SigningKeys } from './signing-keys.js';

@Controller()
export class SigningKeysController {
  constructor(private readonly signingKeys: SigningKeys) {}

  /** The gateway verifies access tokens with these, and serves them at /.well-known/jwks.json. */
  @MessagePattern('auth.signing-keys.jwks')
  jwks(): Promise<AuthRpc.PublicSigningKeySet> {
    return this.signingKeys.publicKeys();
  }
}
