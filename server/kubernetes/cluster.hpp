// A configured Kubernetes cluster (config "kubernetes") -> how to reach it: the in-cluster service account,
// a kubeconfig context, or the explicit api_server/token/ca_file. Files are read; nothing is sent.
#ifndef VAULTKEEPER_SERVER_KUBERNETES_CLUSTER_HPP
#define VAULTKEEPER_SERVER_KUBERNETES_CLUSTER_HPP

#include "core/config.hpp"
#include "core/error.hpp"
#include "kubernetes/model/kubeconfig.hpp"  // struct access

namespace vk::kubernetes {

// in_cluster: https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT, the token
// <service_account_dir>/token (file-backed, re-read when it rotates), CA <dir>/ca.crt, namespace
// <dir>/namespace ("default" if absent). kubeconfig: parse_kubeconfig of the file, a tokenFile read
// (file-backed). Explicit: as given, namespace "default". errc::invalid_argument naming the cluster and the
// file for what cannot be read or used.
result<access> resolve(const kubernetes_config& cluster);

}  // namespace vk::kubernetes

#endif
