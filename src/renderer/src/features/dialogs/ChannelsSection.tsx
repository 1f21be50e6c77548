import { useCallback, useEffect, useState } from 'react'
import type { ChannelsHealth } from '../../../../shared/contract'
import type { ChannelHealth } from '../../../../shared/sync/channels-protocol'
import { api, errorMessage } from '../../api/client'
import { TimeAgo } from '../../components/time'
import { useSyncStore } from '../../state/sync'
import './channels.css'

/** What a local workspace is told: the channels are the server's. */
export const CHANNELS_NEED_SERVER = 'Channels run on a sync server: connect this workspace to a server to see them.'
export const NO_CHANNELS = 'No channels yet. An administrator adds one with npm run cli -- channel add email …'

type Load = { kind: 'loading' } | { kind: 'loaded'; health: ChannelsHealth } | { kind: 'failed'; message: string }

/**
 * Settings, for supervisors: the server's channels (email mailboxes) and their health — whether
 * the runner is connected, its last poll and last error, the delivery queue, the last day's
 * inbound mail and the latest refusals — asked of the server when the dialog opens and on Refresh.
 */
export function ChannelsSection() {
  const local = useSyncStore((s) => s.status?.state === 'local')
  const [load, setLoad] = useState<Load>({ kind: 'loading' })

  const refresh = useCallback(async () => {
    setLoad({ kind: 'loading' })
    try {
      setLoad({ kind: 'loaded', health: await api['channels.health']({}) })
    } catch (e) {
      setLoad({ kind: 'failed', message: errorMessage(e) })
    }
  }, [])

  useEffect(() => {
    if (!local) void refresh()
  }, [local, refresh])

  return (
    <section className="channels-section" aria-labelledby="channels-heading">
      <div className="channels-head">
        <h3 className="settings-heading" id="channels-heading">
          Channels
        </h3>
        {local ? null : (
          <button type="button" onClick={() => void refresh()} disabled={load.kind === 'loading'}>
            Refresh
          </button>
        )}
      </div>
      {local ? (
        <p className="note">{CHANNELS_NEED_SERVER}</p>
      ) : load.kind === 'loading' ? (
        <p className="muted" role="status">
          Asking the server…
        </p>
      ) : load.kind === 'failed' ? (
        <p className="channels-error" role="alert">
          {load.message}
        </p>
      ) : load.health.channels.length === 0 ? (
        <p className="note">{NO_CHANNELS}</p>
      ) : (
        <ChannelsTable health={load.health} />
      )}
    </section>
  )
}

function ChannelsTable({ health }: { health: ChannelsHealth }) {
  return (
    <div className="channels-table-wrap">
      <table className="channels-table" aria-label="Channels">
        <thead>
          <tr>
            <th scope="col">Channel</th>
            <th scope="col">State</th>
            <th scope="col">Last poll</th>
            <th scope="col">Last error</th>
            <th scope="col">Delivery queue</th>
            <th scope="col">Last 24 hours</th>
            <th scope="col">Latest refused mail</th>
          </tr>
        </thead>
        <tbody>
          {health.channels.map((c) => (
            <ChannelRow key={c.id} channel={c} />
          ))}
        </tbody>
      </table>
      <p className="muted channels-as-of">
        As of <TimeAgo iso={health.asOf} />
      </p>
    </div>
  )
}

const stateOf = (c: ChannelHealth): { label: string; tone: 'ok' | 'bad' | 'off' } =>
  c.disabled ? { label: 'Disabled', tone: 'off' } : c.connected ? { label: 'Connected', tone: 'ok' } : { label: 'Not connected', tone: 'bad' }

function ChannelRow({ channel: c }: { channel: ChannelHealth }) {
  const state = stateOf(c)
  return (
    <tr>
      <th scope="row">
        <span className="channel-name">{c.name}</span>
        <span className="muted channel-address">
          {c.kind} · {c.address}
        </span>
      </th>
      <td>
        <span className={`channel-state channel-state-${state.tone}`}>{state.label}</span>
      </td>
      <td>{c.lastPollAt ? <TimeAgo iso={c.lastPollAt} /> : <span className="muted">Never</span>}</td>
      <td>
        {c.lastError ? (
          <>
            <span className="channel-last-error">{c.lastError}</span> {c.lastErrorAt ? <TimeAgo iso={c.lastErrorAt} /> : null}
          </>
        ) : (
          <span className="muted">None</span>
        )}
      </td>
      <td>
        {c.deliveries.queued} queued, {c.deliveries.failed} failed, {c.deliveries.unconfirmed} unconfirmed
      </td>
      <td>
        {c.inbound.items} to items, {c.inbound.ignored} ignored, {c.inbound.refused} refused
      </td>
      <td>
        {c.recentRefusals.length === 0 ? (
          <span className="muted">None</span>
        ) : (
          <ul className="channel-refusals">
            {c.recentRefusals.map((r, i) => (
              <li key={`${r.at}-${i}`}>
                <TimeAgo iso={r.at} />: {r.reason}
              </li>
            ))}
          </ul>
        )}
      </td>
    </tr>
  )
}
