// Remedies beyond the documentation for the kubernetes provider (source: extended). One owner: the kubernetes checks.
import { defineRemedies } from './types.js'

const API = 'Kubernetes API access'
const IDENTITY = 'Kubernetes workload identity'
const INJECTOR = 'Vault Agent Injector'
const ESO = 'External Secrets Operator'
const CSI = 'Secrets Store CSI driver'
const MANIFESTS = 'Kubernetes manifests'

export const kubernetesRemedies = defineRemedies({
  'k8s.check-kubeconfig': {
    title: 'Point the doctor at a reachable API server',
    source: 'extended',
    section: API,
    body:
      'The doctor uses KUBECONFIG (or `kubernetes.kubeconfig` / `kubernetes.context` in edge-secrets.yaml), or the ' +
      'in-cluster service account when KUBERNETES_SERVICE_HOST is set. Check that the current context names the ' +
      'cluster you mean (`kubectl config current-context`), that its `server:` is reachable from this host ' +
      '(VPN, private endpoint, firewall), and that `kubectl version` answers from here.',
  },
  'k8s.trust-ca': {
    title: "Trust the API server's certificate authority",
    source: 'extended',
    section: API,
    body:
      "Put the cluster CA in the kubeconfig's `certificate-authority-data` (or `certificate-authority`), as " +
      '`aws eks update-kubeconfig`, `gcloud container clusters get-credentials` or `az aks get-credentials` write ' +
      'it. Do not set insecure-skip-tls-verify on an edge node.',
  },
  'k8s.refresh-credentials': {
    title: 'Renew the credentials in the kubeconfig',
    source: 'extended',
    section: API,
    body:
      'The API answered 401 Unauthorized: the token or client certificate is expired, revoked, or for another ' +
      'cluster. Regenerate the kubeconfig entry (or the service-account token it carries, e.g. ' +
      '`kubectl create token <sa> -n <namespace>`) and run the doctor again.',
  },
  'k8s.point-at-workload': {
    title: "Point the doctor at the agent's workload",
    source: 'extended',
    section: API,
    body: "Set kubernetes.namespace and kubernetes.deployment (or kubernetes.selector) to the edge agent's own: `kubectl get deployments,daemonsets,statefulsets -n <namespace>` lists what runs there. Without its workload the doctor cannot tell which service account, annotations and secrets the agent uses.",
  },
  'k8s.grant-read-rbac': {
    title: 'Give the doctor read-only RBAC on what it checks',
    source: 'extended',
    section: API,
    body:
      'The doctor only lists. In the workload namespace it needs deployments, statefulsets, daemonsets, pods, ' +
      'serviceaccounts, secrets (key names only are reported), externalsecrets, secretstores and ' +
      'secretproviderclasses; cluster-wide it lists clustersecretstores, csidrivers and ' +
      'mutatingwebhookconfigurations. Which ESO version to list it learns from API discovery, which every ' +
      'authenticated user may read, so no read of CustomResourceDefinitions is needed. Bind a Role/ClusterRole ' +
      'with `list` on those to the identity the doctor runs as, or run it as an identity that has them. ' +
      '`kubectl auth can-i --list -n <ns>` shows what you have.',
  },
  'k8s.fix-manifest': {
    title: 'Fix the manifest so the API server accepts it',
    source: 'extended',
    section: MANIFESTS,
    body:
      'The file does not parse as Kubernetes YAML, or holds a value the API rejects (annotation and label values ' +
      'must be strings: quote `"true"`). `kubectl apply --dry-run=server -f <file>` shows what the cluster would say.',
  },
  'k8s.create-service-account': {
    title: 'Create the ServiceAccount the workload runs as',
    source: 'extended',
    section: IDENTITY,
    body:
      'A pod whose serviceAccountName does not exist is not created at all (the ReplicaSet reports ' +
      '`error looking up service account`). Create it in the workload namespace with the workload-identity ' +
      'annotation of your cloud, or correct serviceAccountName.',
  },
  'k8s.rollout-restart': {
    title: 'Restart the pods so they pick up the change',
    source: 'extended',
    section: IDENTITY,
    body:
      'Pods get their identity (IRSA/Azure env vars and token volume), injected containers and env values when ' +
      'they are created; running pods keep the old ones. `kubectl rollout restart` replaces them gradually.',
  },
  'k8s.migrate-workload-identity': {
    title: 'Move from AAD Pod Identity to Azure Workload Identity',
    source: 'extended',
    section: CSI,
    body:
      'AAD Pod Identity (`usePodIdentity: "true"`) is deprecated and no longer maintained; new AKS versions do not ' +
      'support it. Use Workload Identity: set `clientID: <managed identity client id>` in the SecretProviderClass ' +
      'parameters (and drop usePodIdentity), annotate the ServiceAccount with ' +
      '`azure.workload.identity/client-id`, label the pod `azure.workload.identity/use: "true"`, and create the ' +
      'federated credential for `system:serviceaccount:<namespace>:<sa>`.',
  },
  'k8s.install-csi-driver': {
    title: 'Install the Secrets Store CSI driver and its provider',
    source: 'extended',
    section: CSI,
    body:
      'Without the CSIDriver `secrets-store.csi.k8s.io` pods that mount the volume stay in ContainerCreating with ' +
      '`driver name secrets-store.csi.k8s.io not found in the list of registered CSI drivers`. Install it ' +
      '(`helm install csi-secrets-store secrets-store-csi-driver/secrets-store-csi-driver -n kube-system ' +
      '--set syncSecret.enabled=true`, or the AKS add-on `azure-keyvault-secrets-provider`) plus the provider ' +
      'for your cloud.',
  },
  'k8s.fix-secret-provider-class': {
    title: 'Make secretObjects name objects the SecretProviderClass fetches',
    source: 'extended',
    section: CSI,
    body:
      'Each `secretObjects[].data[].objectName` must equal an `objectName` (or `objectAlias`) listed in ' +
      '`parameters.objects`; otherwise the mount fails with `file matching objectName X not found in the pod` ' +
      'and the Kubernetes Secret is never created. The SecretProviderClass must live in the pod’s namespace.',
  },
  'k8s.mount-csi-volume': {
    title: 'Mount the CSI volume in a pod that needs the synced Secret',
    source: 'extended',
    section: CSI,
    body:
      'The CSI driver creates the Kubernetes Secret of `secretObjects` only while at least one pod mounts the ' +
      'volume (`csi: {driver: secrets-store.csi.k8s.io, volumeAttributes: {secretProviderClass: <name>}}`). A pod ' +
      'that only uses `envFrom`/`secretKeyRef` waits in CreateContainerConfigError for a Secret that never comes.',
  },
  'k8s.install-injector': {
    title: 'Install (or repair) the Vault Agent Injector webhook',
    source: 'extended',
    section: INJECTOR,
    body:
      'Without the MutatingWebhookConfiguration for `vault.hashicorp.com` the annotations do nothing: pods start ' +
      'without a vault-agent container and /vault/secrets stays empty. Install it with the Vault Helm chart ' +
      '(`injector.enabled=true`), check its caBundle and that the API server can reach the injector service ' +
      '(private GKE/EKS: open the control-plane → node port 8080), then restart the pods.',
  },
  'k8s.fix-injector-annotations': {
    title: 'Pair every agent-inject-secret-X with agent-inject-template-X on the pod template',
    source: 'extended',
    section: INJECTOR,
    body:
      'The injector renders /vault/secrets/X for each `vault.hashicorp.com/agent-inject-secret-X`; its template ' +
      'comes from `vault.hashicorp.com/agent-inject-template-X` with exactly the same X (otherwise it writes the ' +
      'raw secret as a Go map). `vault.hashicorp.com/agent-inject` must be the string "true" and ' +
      '`vault.hashicorp.com/role` must name the Vault Kubernetes-auth role. Annotations go on ' +
      'spec.template.metadata, not on the Deployment.',
  },
  'k8s.migrate-eso-v1': {
    title: 'Migrate External Secrets manifests to external-secrets.io/v1',
    source: 'extended',
    section: ESO,
    body:
      'ESO v0.17.0 and later serve only `external-secrets.io/v1`; `v1beta1` manifests fail to apply with ' +
      '`no matches for kind "ExternalSecret" in version "external-secrets.io/v1beta1"`. The fields the ' +
      'documentation uses are identical: change apiVersion to `external-secrets.io/v1` on ExternalSecret, ' +
      'SecretStore and ClusterSecretStore before upgrading the operator.',
  },
  'k8s.reload-on-change': {
    title: 'Restart consumers when the Secret changes, or read it from a file',
    source: 'extended',
    section: 'Kubernetes secret refresh',
    body:
      'Environment variables are read once, when the container starts; a refreshed Secret does not reach a ' +
      'running process. Either mount the Secret as a volume and have the agent re-read it, or restart on ' +
      'change (Stakater Reloader: `reloader.stakater.com/auto: "true"`, or a checksum annotation on the pod ' +
      'template that your deploy tooling updates).',
  },
})
