// The risk (fraud) check before a charge. Read-only, so it needs no idempotency key. The
// rules here are local; a scoring service would plug in behind the same interface.

export interface RiskVerdict {
  approved: boolean;
  reason?: string;
}

export interface RiskProvider {
  assess(order: {
    orderId: string;
    customerId: string;
    totalCents: number;
    currency: string;
    country: string;
  }): Promise<RiskVerdict>;
}

export function localRiskRules({
  maxOrderCents,
  blockedCountries,
}: {
  maxOrderCents: number;
  blockedCountries: string[];
}): RiskProvider {
  return {
    async assess({ totalCents, currency, country }) {
      if (totalCents > maxOrderCents) {
        return {
          approved: false,
          reason: `total ${(totalCents / 100).toFixed(2)} ${currency} is above the ${(maxOrderCents / 100).toFixed(2)} limit for automatic approval`,
        };
      }
      if (blockedCountries.includes(country)) return { approved: false, reason: `no deliveries to ${country}` };
      return { approved: true };
    },
  };
}
