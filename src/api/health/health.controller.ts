import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, type HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { TemporalClient } from '../temporal.module';

@ApiTags('health')
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    private readonly temporal: TemporalClient,
  ) {}

  /** Liveness: the process answers. */
  @Get('health')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  /** Readiness: Temporal answers, so orders can be accepted. */
  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([() => this.temporalUp()]);
  }

  private async temporalUp(): Promise<HealthIndicatorResult> {
    const check = this.indicator.check('temporal');
    try {
      await this.temporal.ping();
      return check.up({ address: this.temporal.config.address, namespace: this.temporal.config.namespace });
    } catch (err) {
      return check.down({ message: (err as Error).message });
    }
  }
}
