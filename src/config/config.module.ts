import { DynamicModule, Global, Module } from '@nestjs/common';
import { SecretBox } from '../common/secret-box';
import { NETWATCH_CONFIG, NetwatchConfig } from './config.types';

/** Makes the validated configuration and the secret box injectable everywhere. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: NetwatchConfig): DynamicModule {
    return {
      module: ConfigModule,
      providers: [
        { provide: NETWATCH_CONFIG, useValue: config },
        {
          provide: SecretBox,
          useFactory: () =>
            SecretBox.fromConfig(config.secrets.key, config.dataDir, config.secrets.previousKeys),
        },
      ],
      exports: [NETWATCH_CONFIG, SecretBox],
    };
  }
}
