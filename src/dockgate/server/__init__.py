"""``dockgate serve``: the Kubernetes admission webhook applying the policy at the cluster door."""
