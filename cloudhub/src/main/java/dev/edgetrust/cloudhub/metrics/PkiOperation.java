package dev.edgetrust.cloudhub.metrics;

/** The calls the CloudHub makes to its PKI, as the {@code operation} label names them. */
enum PkiOperation {
  SIGN("sign"),
  TRUST_ANCHORS("trust_anchors"),
  REVOKE("revoke"),
  REVOCATION_LIST("revocation_list"),
  BLOCK_NODE("block_node"),
  UNBLOCK_NODE("unblock_node"),
  BLOCKED_NODES("blocked_nodes"),
  ISSUED_SERIALS("issued_serials");

  private final String label;

  PkiOperation(String label) {
    this.label = label;
  }

  String label() {
    return label;
  }
}
