// Remedies beyond the documentation for the gcp provider (source: extended). One owner: the gcp checks.
import { defineRemedies } from './types.js'

const lines = (...l: string[]) => l.join('\n')

export const gcpRemedies = defineRemedies({
  'gcp.configure-adc': {
    title: 'Give the agent one working Application Default Credentials source',
    source: 'extended',
    section: 'Google credentials',
    body: lines(
      'Google client libraries and gcloud look, in order, at GOOGLE_APPLICATION_CREDENTIALS (a service-account key,',
      'a workload identity federation config or an impersonation config), the gcloud ADC file',
      '(~/.config/gcloud/application_default_credentials.json), then the metadata server (GCE, GKE Workload Identity).',
      'On GKE, annotate the Kubernetes service account with iam.gke.io/gcp-service-account and restart the pods; off',
      'Google Cloud, prefer workload identity federation (`gcloud iam workload-identity-pools create-cred-config`)',
      'over a key file. A GOOGLE_APPLICATION_CREDENTIALS that names a missing file stops the search: fix or unset it.',
    ),
  },
  'gcp.replace-key': {
    title: 'Replace the rejected service-account key',
    source: 'extended',
    section: 'Google credentials',
    body: lines(
      '"Invalid JWT Signature." means the key id in the file no longer exists on the service account (deleted or',
      'rotated away); "account not found" / "account disabled" name the service account itself. List the keys that',
      'exist, create a new one (or better, move to workload identity) and restart the agent with it.',
    ),
  },
  'gcp.sync-clock': {
    title: 'Synchronise the node clock',
    source: 'extended',
    section: 'Clock',
    body: lines(
      'Google signs nothing for a JWT whose iat/exp lie outside its window: the token endpoint answers "Token must be a',
      'short-lived token (60 minutes) and in a reasonable timeframe". Enable NTP (`timedatectl set-ntp true`, chrony',
      'or systemd-timesyncd) and check `timedatectl status` shows "System clock synchronized: yes".',
    ),
  },
  'gcp.workload-identity-binding': {
    title: 'Let the Kubernetes service account impersonate the Google service account',
    source: 'extended',
    section: 'GKE Workload Identity',
    body: lines(
      'The GKE metadata server refuses a token ("Permission \'iam.serviceAccounts.getAccessToken\' denied") when the',
      'Google service account lacks roles/iam.workloadIdentityUser for',
      'serviceAccount:PROJECT_ID.svc.id.goog[NAMESPACE/KSA_NAME]. Check the namespace and KSA name in the member,',
      "the workload pool's project, and that the KSA annotation names this GSA; restart the pods afterwards.",
    ),
  },
  'gcp.enable-gke-metadata': {
    title: "Run the pod with Workload Identity instead of the node's service account",
    source: 'extended',
    section: 'GKE Workload Identity',
    body: lines(
      "The metadata server returned the node's default compute service account: Workload Identity is not enabled on",
      'the cluster or on this node pool (workloadMetadataConfig.mode must be GKE_METADATA), or the KSA has no',
      "iam.gke.io/gcp-service-account annotation. The pod then holds the node's broad credentials, and secrets granted",
      "to the workload's own service account are denied.",
    ),
  },
  'gcp.metadata-wait': {
    title: 'Wait for the metadata server before fetching secrets',
    source: 'extended',
    section: 'GKE Workload Identity',
    body: lines(
      'On GKE the per-node metadata server (gke-metadata-server) can take a few seconds to serve a new pod, and an',
      'init container that authenticates in its first second fails or hangs. Start the init script with a bounded',
      "wait: `for i in $(seq 30); do curl -sf -H 'Metadata-Flavor: Google' http://169.254.169.254/computeMetadata/v1/instance/service-accounts/default/email && break; sleep 1; done`,",
      'and check the gke-metadata-server pod on the node. Off GKE, GCE_METADATA_HOST or METADATA_SERVER_DETECTION',
      'may point the libraries at a metadata server that is not there.',
    ),
  },
  'gcp.set-project': {
    title: 'Name the project the secrets live in',
    source: 'extended',
    section: 'Google Secret Manager',
    body: lines(
      'Set gcp.project in edge-secrets.yaml (or GOOGLE_CLOUD_PROJECT), or name secrets in full as',
      "projects/PROJECT/secrets/NAME. gcloud uses its configured project, which may not be the secrets' project.",
    ),
  },
  'gcp.enable-api': {
    title: 'Enable the Secret Manager API in the project',
    source: 'extended',
    section: 'Google Secret Manager',
    body: lines(
      'PERMISSION_DENIED with ErrorInfo reason SERVICE_DISABLED is not an IAM problem: the API is off in the project',
      'that owns the secret (or in the quota project). Enabling takes a few minutes to propagate.',
    ),
  },
  'gcp.enable-version': {
    title: 'Re-enable the newest secret version, or add a new one',
    source: 'extended',
    section: 'Google Secret Manager',
    body: lines(
      'The `latest` alias is the highest version number whatever its state, so disabling the newest version to roll',
      'back breaks every consumer of `latest`. Re-enable it, add a new version with the good value, or pin the',
      'consumers to a version number until then. A DESTROYED version cannot come back: add a new version.',
    ),
  },
  'gcp.network-reach': {
    title: 'Open the path from the node to the Secret Manager endpoint',
    source: 'extended',
    section: 'Network',
    body: lines(
      'Allow egress to the endpoint on 443 (firewall, NetworkPolicy, proxy: HTTPS_PROXY/NO_PROXY). Nodes without',
      'external IPs need Private Google Access or a Private Service Connect endpoint for googleapis.com; a private',
      "endpoint goes in gcp.endpoint. The token endpoint (the key file's token_uri, or the metadata server) must",
      'be reachable as well.',
    ),
  },
  'gcp.fix-payload': {
    title: 'Store the secret as the JSON object the init container parses',
    source: 'extended',
    section: 'Google Secret Manager',
    body: lines(
      "The documentation's init container reads the payload with jq (`.kafka_username`, …): a missing key becomes",
      'the literal text "null" in pipeline.env, and a non-JSON payload makes jq fail. Add a version whose payload is',
      'a JSON object holding every key, e.g. `gcloud secrets versions add NAME --data-file=credentials.json`.',
      'Note: `gcloud secrets versions access … --format=json` prints the version resource ({"name", "payload":',
      '{"data": <base64>}}), not the payload; pipe plain `gcloud secrets versions access latest --secret=NAME`',
      "(or `--format='get(payload.data)' | tr '_-' '/+' | base64 -d`) into jq instead.",
    ),
  },
  'gcp.rotation-schedule': {
    title: 'Give the secret a rotation schedule',
    source: 'extended',
    section: 'Google Secret Manager rotation',
    body: lines(
      'Secret Manager rotation is a schedule plus a Pub/Sub topic: at next_rotation_time it publishes',
      'SECRET_ROTATE to the topic and a subscriber (Cloud Run, Cloud Functions) adds the new version. The',
      'Secret Manager service agent (service-PROJECT_NUMBER@gcp-sa-secretmanager.iam.gserviceaccount.com) needs',
      'roles/pubsub.publisher on the topic.',
    ),
  },
  'gcp.rotation-handler': {
    title: 'Make the rotation handler add a new version',
    source: 'extended',
    section: 'Google Secret Manager rotation',
    body: lines(
      'A schedule only sends a notification. When next_rotation_time is in the past, Secret Manager could not',
      'publish (topic deleted, service agent without roles/pubsub.publisher); when the newest version is older than',
      'the rotation period, the subscriber received the message but never added a version: read its logs.',
    ),
  },
  'gcp.extend-expiry': {
    title: "Extend or remove the secret's expiry",
    source: 'extended',
    section: 'Google Secret Manager',
    body: lines(
      'A secret with expire_time is deleted, with all its versions, at that time; consumers then get NOT_FOUND.',
      'Move it (`--expire-time`, `--ttl`) or remove it (`--remove-expiration`).',
    ),
  },
  'gcp.workload-credentials': {
    title: 'Run the agent as a service account, not a personal login',
    source: 'extended',
    section: 'Google credentials',
    body: lines(
      "Application Default Credentials resolved to a user's `gcloud auth application-default login`: access then",
      "depends on a person's account and ends when they leave or their session is revoked. Use Workload Identity,",
      'workload identity federation, or a dedicated service account.',
    ),
  },
})
