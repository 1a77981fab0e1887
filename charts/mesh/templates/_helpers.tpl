{{/*
What the services' code fixes and the chart mirrors, one entry per service:
  grpcService  the full name of its gRPC service (a grpc.health.v1 name, checked by `helm test`);
  localPort    the port the one-machine run (services/Mesh.Launcher) uses, for port-forwards;
  calls        the services it calls: orders calls users (GetUser) and inventory (stock), users
               reads orders' event feed. The NetworkPolicies and the Mesh__Services__*__Address
               variables are derived from `calls` and from nothing else.
*/}}
{{- define "mesh.catalog" -}}
users:
  grpcService: mesh.users.v1.UserService
  localPort: 5001
  calls: [orders]
inventory:
  grpcService: mesh.inventory.v1.InventoryService
  localPort: 5002
  calls: []
orders:
  grpcService: mesh.orders.v1.OrderService
  localPort: 5003
  calls: [users, inventory]
{{- end -}}

{{/* The port every service container listens on: plaintext HTTP/2 (h2c) gRPC. */}}
{{- define "mesh.containerPort" -}}8080{{- end -}}

{{/* The uid and gid the service images run as (the .NET images' `app` user). */}}
{{- define "mesh.uid" -}}1654{{- end -}}

{{/*
The prefix of every resource name: the release name, or fullnameOverride. Cut to 40 characters so
"<prefix>-inventory-headless" stays within the 63 characters of a DNS label.
*/}}
{{- define "mesh.prefix" -}}
{{- default .Release.Name .Values.fullnameOverride | trunc 40 | trimSuffix "-" -}}
{{- end -}}

{{/* The name of one service's resources: "<prefix>-<service>". Call with (dict "root" $ "name" "users"). */}}
{{- define "mesh.fullname" -}}
{{- printf "%s-%s" (include "mesh.prefix" .root) .name -}}
{{- end -}}

{{/* The headless twin that in-mesh clients resolve with dns:/// for per-call round-robin. */}}
{{- define "mesh.headlessName" -}}
{{- printf "%s-headless" (include "mesh.fullname" .) -}}
{{- end -}}

{{/* The labels a Service and a Deployment select one service's pods by. Call with (dict "root" $ "name" "users"). */}}
{{- define "mesh.selectorLabels" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end -}}

{{/* The labels every pod of this release carries: the default-deny NetworkPolicy selects them. */}}
{{- define "mesh.releaseSelectorLabels" -}}
app.kubernetes.io/part-of: mesh
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* The labels of the helm test pods: the NetworkPolicies let them reach every service. */}}
{{- define "mesh.testSelectorLabels" -}}
app.kubernetes.io/component: helm-test
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* Labels on every object. Call with (dict "root" $ "name" "users"), and "component" to change it. */}}
{{- define "mesh.labels" -}}
{{ include "mesh.selectorLabels" . }}
app.kubernetes.io/component: {{ .component | default "grpc-service" }}
app.kubernetes.io/part-of: mesh
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end -}}

{{/*
Fills the dict .out with one service's settings: serviceDefaults deep-merged with services.<name>
(maps key by key; anything else, `false` and empty values included, replaces the default), then
checks what the values schema cannot see across the two.
Call with (dict "root" $ "name" "users" "out" (dict)); it renders nothing.
*/}}
{{- define "mesh.loadService" -}}
{{- $name := .name -}}
{{- $merged := mergeOverwrite (deepCopy .root.Values.serviceDefaults) (deepCopy (index .root.Values.services $name)) -}}
{{- range $key, $value := $merged -}}
{{- $_ := set $.out $key $value -}}
{{- end -}}
{{- $svc := .out -}}
{{- if not $svc.image -}}
{{- fail (printf "services.%s.image is required: the image reference of the %s service" $name $name) -}}
{{- end -}}
{{- if eq $svc.storage.mode "sqlite" -}}
{{- if gt (int $svc.replicas) 1 -}}
{{- fail (printf "services.%s: replicas is %v, but SQLite storage runs exactly one replica (the database file lives on one ReadWriteOnce volume that only one pod may open); use storage.mode=external for several replicas" $name $svc.replicas) -}}
{{- end -}}
{{- if $svc.autoscaling.enabled -}}
{{- fail (printf "services.%s: autoscaling cannot be enabled with SQLite storage (one replica owns the database file); use storage.mode=external to scale" $name) -}}
{{- end -}}
{{- end -}}
{{- if and $svc.autoscaling.enabled (gt (int $svc.autoscaling.minReplicas) (int $svc.autoscaling.maxReplicas)) -}}
{{- fail (printf "services.%s: autoscaling.minReplicas (%v) is above autoscaling.maxReplicas (%v)" $name $svc.autoscaling.minReplicas $svc.autoscaling.maxReplicas) -}}
{{- end -}}
{{- end -}}

{{/* Whole seconds as a .NET TimeSpan string, e.g. 65 -> "00:01:05". */}}
{{- define "mesh.timespan" -}}
{{- $seconds := int . -}}
{{- printf "%02d:%02d:%02d" (div $seconds 3600) (div (mod $seconds 3600) 60) (mod $seconds 60) -}}
{{- end -}}

{{/*
Seconds Kubernetes waits between starting a pod's termination and killing it: the preStop sleep,
then (after SIGTERM) the drain delay and the shutdown timeout for in-flight calls, plus a margin.
*/}}
{{- define "mesh.terminationGracePeriodSeconds" -}}
{{- $s := .shutdown -}}
{{- add (int $s.preStopSleepSeconds) (int $s.drainDelaySeconds) (int $s.timeoutSeconds) (int $s.gracePeriodMarginSeconds) -}}
{{- end -}}

{{/* The ServiceAccount a service's pods run as. Call with (dict "root" $ "name" "users" "svc" $svc). */}}
{{- define "mesh.serviceAccountName" -}}
{{- if .svc.serviceAccount.create -}}
{{- default (include "mesh.fullname" .) .svc.serviceAccount.name -}}
{{- else -}}
{{- default "default" .svc.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* The PersistentVolumeClaim holding a service's SQLite database. Call with (dict "root" $ "name" "users" "svc" $svc). */}}
{{- define "mesh.dataClaimName" -}}
{{- default (printf "%s-data" (include "mesh.fullname" .)) .svc.storage.sqlite.existingClaim -}}
{{- end -}}
