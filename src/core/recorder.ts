// Facts one check learns that another (or the report) needs: who we were, what time the servers said it was.
// Providers write here as a side effect of their calls, so `node.clock-skew` can judge every provider's
// `Date` header without making calls of its own, and the report can name the identities used.

export interface Identity {
  readonly provider: string
  readonly principal: string
  readonly source?: string
  readonly policies?: readonly string[]
  readonly expiresAt?: string
  readonly [extra: string]: unknown
}

export interface ClockObservation {
  /** Who answered: `vault`, `aws sts`, `kubernetes`… */
  readonly source: string
  /** Server time as its `Date` header (or an error message) said. */
  readonly serverTime: Date
  /** Local time at the middle of the request, so the request's own latency does not count as skew. */
  readonly localTime: Date
  /** Set when the server refused us for the skew itself (AWS `Signature expired`). */
  readonly rejected?: string
}

/** When a secret last changed at its source (KV v2 updated_time, AWS LastChangedDate…). */
export interface SourceChange {
  readonly provider: string
  /** The path, id or name of the secret at the source. */
  readonly secret: string
  readonly changedAt: Date
}

export class RunRecorder {
  readonly identities: Identity[] = []
  readonly clock: ClockObservation[] = []
  readonly sourceChanges: SourceChange[] = []

  /** Lets `node.env-file-freshness` tell a stale copy (source changed after the file) from an unchanged source. */
  sourceChanged(change: SourceChange): void {
    this.sourceChanges.push(change)
  }

  identity(identity: Identity): void {
    const same = this.identities.findIndex(
      (i) => i.provider === identity.provider && i.principal === identity.principal,
    )
    if (same >= 0) this.identities[same] = { ...this.identities[same], ...identity }
    else this.identities.push(identity)
  }

  /** Records a server `Date` header. Call with the times taken just before and after the request. */
  observeDate(source: string, dateHeader: string | undefined | null, sentAt: Date, receivedAt: Date): void {
    if (!dateHeader) return
    const serverTime = new Date(dateHeader)
    if (Number.isNaN(serverTime.getTime())) return
    const localTime = new Date((sentAt.getTime() + receivedAt.getTime()) / 2)
    this.clock.push({ source, serverTime, localTime })
  }

  observeClock(observation: ClockObservation): void {
    this.clock.push(observation)
  }
}
