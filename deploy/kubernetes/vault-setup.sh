#!/usr/bin/env bash
# The Vault side of deploy/kubernetes/overlays/vault (and vault-gateway), for a Vault admin. Idempotent.
#   VAULT_ADDR=https://vault.example:8200 VAULT_TOKEN=<admin token> ./deploy/kubernetes/vault-setup.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

# 1. The PKI mount, CA, cloudhub role and the CloudHub policies (edgetrust-cloudhub: server
#    certificates, CRL, revoke; edgetrust-cloudhub-node-control: block/unblock nodes).
"$here/../../edgetrust" vault setup --cloudhub-dns cloudhub.kubeedge.svc --cloudhub-ip 192.0.2.10

# 2. Kubernetes auth: the pod's service account logs in as the CloudHub.
vault auth list -format=json | grep -q '"kubernetes/"' || vault auth enable kubernetes
vault write auth/kubernetes/config kubernetes_host="${KUBERNETES_HOST:-https://kubernetes.default.svc}"
vault write auth/kubernetes/role/edgetrust-cloudhub \
  bound_service_account_names=edgetrust-cloudhub \
  bound_service_account_namespaces=kubeedge \
  token_policies=edgetrust-cloudhub,edgetrust-cloudhub-node-control \
  token_ttl=1h token_max_ttl=24h
