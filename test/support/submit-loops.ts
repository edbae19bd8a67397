import { seedExample } from './test-app.ts';

/** What the submit loops of a crash test saw: what was acknowledged, what never got an answer, what was refused. */
export class SubmitLedger {
  readonly acknowledged = new Map<string, string[]>();
  /** Submits whose answer never came (their numbers joined by commas): they may or may not exist. */
  readonly unanswered = new Set<string>();
  refused = 0;
  private next = 0;

  constructor(private readonly numberPrefix: string) {}

  /** Two numbers never submitted before by this ledger. */
  freshPair(): string[] {
    return [0, 1].map(() => `${this.numberPrefix}${String(this.next++).padStart(4, '0')}`);
  }

  /** A stored request is accounted for when it was acknowledged, or cut off by a kill before its answer. */
  accountsFor(portingNo: string, storedNumbers: string[]): boolean {
    return this.acknowledged.has(portingNo) || this.unanswered.has([...storedNumbers].sort().join(','));
  }
}

/**
 * `workers` loops, each submitting a request of two fresh numbers (with a WebHookURL) until
 * `stop.now`, recording every outcome in `ledger`. A loop ends when the server dies under it.
 */
export async function submitUntilStopped(
  target: { url: string; propertySid: string; auth: string; webhookUrl: string },
  ledger: SubmitLedger,
  workers: number,
  stop: { now: boolean },
): Promise<void> {
  const loop = async () => {
    while (!stop.now) {
      const numbers = ledger.freshPair();
      const key = [...numbers].sort().join(',');
      ledger.unanswered.add(key);
      try {
        const res = await fetch(`${target.url}/v2/Properties/${target.propertySid}/Porting`, {
          method: 'POST',
          headers: { authorization: target.auth, 'content-type': 'application/json' },
          body: JSON.stringify(seedExample({ WebHookURL: target.webhookUrl, PortingNumbers: numbers.map((Number) => ({ Number })) })),
        });
        const body = (await res.json()) as { PortingRequest?: { PortingNo: string } };
        // Answered either way: a refusal (say a 503 while overloaded) must have stored nothing,
        // which the tests enforce, since only unanswered submits may exist unacknowledged.
        ledger.unanswered.delete(key);
        if (res.status === 200) ledger.acknowledged.set(body.PortingRequest!.PortingNo, numbers);
        else ledger.refused += 1;
      } catch (error) {
        // The server died mid-request: the connection failed, or the answer was cut short.
        if (error instanceof TypeError || error instanceof SyntaxError) return;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: workers }, loop));
}
