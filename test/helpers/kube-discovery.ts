// The least API server `kubectl apply --dry-run=client` needs: discovery for the kinds the fleet manifests
// use, and 404 for every object (nothing exists yet, so kubectl would create each one). Loopback, plain
// HTTP, no auth: it holds nothing and accepts no write.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

const resource = (name: string, kind: string, namespaced: boolean) => ({
  name,
  singularName: kind.toLowerCase(),
  namespaced,
  kind,
  verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
})

const DISCOVERY: Record<string, unknown> = {
  '/api': { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] },
  '/apis': {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: ['apps', 'rbac.authorization.k8s.io', 'batch'].map((name) => ({
      name,
      versions: [{ groupVersion: `${name}/v1`, version: 'v1' }],
      preferredVersion: { groupVersion: `${name}/v1`, version: 'v1' },
    })),
  },
  '/api/v1': {
    kind: 'APIResourceList',
    groupVersion: 'v1',
    resources: [
      resource('serviceaccounts', 'ServiceAccount', true),
      resource('namespaces', 'Namespace', false),
      resource('configmaps', 'ConfigMap', true),
    ],
  },
  '/apis/apps/v1': {
    kind: 'APIResourceList',
    groupVersion: 'apps/v1',
    resources: [resource('daemonsets', 'DaemonSet', true), resource('deployments', 'Deployment', true)],
  },
  '/apis/batch/v1': {
    kind: 'APIResourceList',
    groupVersion: 'batch/v1',
    resources: [resource('cronjobs', 'CronJob', true), resource('jobs', 'Job', true)],
  },
  '/apis/rbac.authorization.k8s.io/v1': {
    kind: 'APIResourceList',
    groupVersion: 'rbac.authorization.k8s.io/v1',
    resources: [
      resource('roles', 'Role', true),
      resource('rolebindings', 'RoleBinding', true),
      resource('clusterroles', 'ClusterRole', false),
      resource('clusterrolebindings', 'ClusterRoleBinding', false),
    ],
  },
}

export interface DiscoveryServer {
  readonly url: string
  readonly writes: string[]
  kubeconfig(): string
  close(): Promise<void>
}

export async function startDiscoveryServer(): Promise<DiscoveryServer> {
  const writes: string[] = []
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] as string
    if (req.method !== 'GET') writes.push(`${req.method} ${path}`)
    const body = req.method === 'GET' ? DISCOVERY[path] : undefined
    res.setHeader('Content-Type', 'application/json')
    if (body) {
      res.end(JSON.stringify(body))
      return
    }
    res.statusCode = 404
    res.end(
      JSON.stringify({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: `${path} not found`,
        reason: 'NotFound',
        code: 404,
      }),
    )
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url,
    writes,
    kubeconfig: () =>
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters: [{name: d, cluster: {server: "' + url + '"}}]',
        'users: [{name: d, user: {}}]',
        'contexts: [{name: d, context: {cluster: d, user: d}}]',
        'current-context: d',
        '',
      ].join('\n'),
    close: () => new Promise<void>((r) => server.close(() => r())),
  }
}
