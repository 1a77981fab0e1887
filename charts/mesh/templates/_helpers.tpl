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

{{/*
The container's second port, HTTP/1.1: REST/JSON (gRPC JSON transcoding), gRPC-Web and the OpenAPI
document at /openapi/v1.json, for callers outside the mesh (browsers, an Ingress, a Gateway).
*/}}
{{- define "mesh.httpContainerPort" -}}8081{{- end -}}

{{/*
The container's third port: Prometheus' scrape endpoint, GET /metrics and nothing else
(Mesh__Metrics__Urls). A port of its own so that neither the Services nor the Ingress ever serve it.
*/}}
{{- define "mesh.metricsContainerPort" -}}9464{{- end -}}

{{/*
The streaming gRPC methods, as rpc_method values: a call's duration there is the stream's lifetime,
not a request's latency, so the latency quantiles and the error-ratio alert leave them out. The
protos' three feeds, grpc.health.v1.Health/Watch and server reflection.
*/}}
{{- define "mesh.streamingMethods" -}}WatchUsers|WatchInventory|WatchOrderEvents|Watch|ServerReflectionInfo{{- end -}}

{{/* A Prometheus duration of one unit (30s, 1m, 500ms, 2h) in milliseconds, to compare two of them. */}}
{{- define "mesh.durationMilliseconds" -}}
{{- $match := regexFind "^[0-9]+" . -}}
{{- $unit := trimPrefix $match . -}}
{{- $factors := dict "ms" 1 "s" 1000 "m" 60000 "h" 3600000 -}}
{{- mul (int $match) (index $factors $unit) -}}
{{- end -}}

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
An unset `replicas` becomes 1 with SQLite (one pod owns the file) and 2 with PostgreSQL (a drain or
a rollout then never takes the service down); an explicit value is honoured.
Call with (dict "root" $ "name" "users" "out" (dict)); it renders nothing.
*/}}
{{- define "mesh.loadService" -}}
{{- $name := .name -}}
{{- $root := .root -}}
{{- $merged := mergeOverwrite (deepCopy .root.Values.serviceDefaults) (deepCopy (index .root.Values.services $name)) -}}
{{- range $key, $value := $merged -}}
{{- $_ := set $.out $key $value -}}
{{- end -}}
{{- $svc := .out -}}
{{- if not $svc.image -}}
{{- fail (printf "services.%s.image is required: the image reference of the %s service" $name $name) -}}
{{- end -}}
{{- $postgres := eq $svc.storage.mode "postgres" -}}
{{- if kindIs "invalid" $svc.replicas -}}
{{- $_ := set $svc "replicas" (ternary 2 1 $postgres) -}}
{{- end -}}
{{- if eq $svc.storage.mode "sqlite" -}}
{{- if gt (int $svc.replicas) 1 -}}
{{- fail (printf "services.%s: replicas is %v, but SQLite storage runs exactly one replica (the database file lives on one ReadWriteOnce volume that only one pod may open); use storage.mode=postgres for several replicas" $name $svc.replicas) -}}
{{- end -}}
{{- if $svc.autoscaling.enabled -}}
{{- fail (printf "services.%s: autoscaling cannot be enabled with SQLite storage (one replica owns the database file); use storage.mode=postgres to scale" $name) -}}
{{- end -}}
{{- else if $postgres -}}
{{- $pg := $svc.storage.postgres -}}
{{- if and $root.Values.postgresql.enabled $pg.existingSecret -}}
{{- fail (printf "services.%s: storage.postgres.existingSecret (%s) names an external database, but postgresql.enabled bundles one; use one or the other" $name $pg.existingSecret) -}}
{{- end -}}
{{- if and (not $root.Values.postgresql.enabled) (not $pg.existingSecret) -}}
{{- fail (printf "services.%s: storage.mode is postgres but there is no database: set storage.postgres.existingSecret (a Secret whose key %q holds the Npgsql connection string of the %s database) or postgresql.enabled=true for the bundled demo instance" $name (default "connectionString" $pg.existingSecretKey) $name) -}}
{{- end -}}
{{- if and $root.Values.networkPolicy.enabled (not $root.Values.postgresql.enabled) (not $pg.networkPolicy.cidrs) (not $pg.networkPolicy.peers) -}}
{{- fail (printf "services.%s: with networkPolicy.enabled the external database must be reachable: set storage.postgres.networkPolicy.cidrs (its addresses) or .peers (its pods), or disable networkPolicy" $name) -}}
{{- end -}}
{{- /* The migration runs before the gRPC server listens: the startup probe must outlast the wait for the database, or the kubelet kills the pod before it can say why. */ -}}
{{- $startup := $svc.probes.startup -}}
{{- $budget := add (int (default 0 $startup.initialDelaySeconds)) (mul (int $startup.periodSeconds) (int $startup.failureThreshold)) -}}
{{- if ge (int $pg.startTimeoutSeconds) (int $budget) -}}
{{- fail (printf "services.%s: storage.postgres.startTimeoutSeconds (%v) must be below the startup probe's budget (%v s = initialDelaySeconds + periodSeconds x failureThreshold)" $name $pg.startTimeoutSeconds $budget) -}}
{{- end -}}
{{- end -}}
{{- if eq (int $svc.service.port) (int $svc.service.httpPort) -}}
{{- fail (printf "services.%s: service.port and service.httpPort are both %v; the Service's grpc and http ports need a number each" $name $svc.service.port) -}}
{{- end -}}
{{- if and $svc.autoscaling.enabled (gt (int $svc.autoscaling.minReplicas) (int $svc.autoscaling.maxReplicas)) -}}
{{- fail (printf "services.%s: autoscaling.minReplicas (%v) is above autoscaling.maxReplicas (%v)" $name $svc.autoscaling.minReplicas $svc.autoscaling.maxReplicas) -}}
{{- end -}}
{{- /* With several pods the budget must leave one running: a count that covers them all protects nothing. */ -}}
{{- $pods := ternary $svc.autoscaling.minReplicas $svc.replicas (eq $svc.autoscaling.enabled true) | int -}}
{{- $maxUnavailable := $svc.podDisruptionBudget.maxUnavailable -}}
{{- if and $svc.podDisruptionBudget.enabled (ge $pods 2) (not (kindIs "string" $maxUnavailable)) (ge (int $maxUnavailable) $pods) -}}
{{- fail (printf "services.%s: podDisruptionBudget.maxUnavailable (%v) would let all %v pods be evicted at once; keep it below the replica count" $name $maxUnavailable $pods) -}}
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

{{/* The bundled PostgreSQL's StatefulSet, Service, Secret and ConfigMap: "<prefix>-postgresql". */}}
{{- define "mesh.postgresqlName" -}}
{{- printf "%s-postgresql" (include "mesh.prefix" .) -}}
{{- end -}}

{{/* The uid and gid the official postgres image runs as (its `postgres` user). */}}
{{- define "mesh.postgresqlUid" -}}999{{- end -}}

{{/* The port PostgreSQL listens on. */}}
{{- define "mesh.postgresqlPort" -}}5432{{- end -}}

{{/*
Where a service in postgres mode reads its connection string: the bundled instance's Secret
(key "<service>-connection-string"), or storage.postgres.existingSecret / existingSecretKey.
Renders "name: ...\nkey: ..." for a secretKeyRef. Call with (dict "root" $ "name" "users" "svc" $svc).
*/}}
{{- define "mesh.connectionSecretRef" -}}
{{- if .root.Values.postgresql.enabled -}}
name: {{ include "mesh.postgresqlName" .root }}
key: {{ .name }}-connection-string
{{- else -}}
name: {{ .svc.storage.postgres.existingSecret }}
key: {{ .svc.storage.postgres.existingSecretKey }}
{{- end -}}
{{- end -}}

{{/* The bundled RabbitMQ's StatefulSet, Service, Secret and NetworkPolicy: "<prefix>-rabbitmq". */}}
{{- define "mesh.rabbitmqName" -}}
{{- printf "%s-rabbitmq" (include "mesh.prefix" .) -}}
{{- end -}}

{{/* The uid and gid the official rabbitmq image runs as (its `rabbitmq` user). */}}
{{- define "mesh.rabbitmqUid" -}}999{{- end -}}

{{/* The port the bundled RabbitMQ takes AMQP 0-9-1 connections on (plain TCP). */}}
{{- define "mesh.amqpPort" -}}5672{{- end -}}

{{/* The bundled broker's user and virtual host; its password is generated into the Secret. */}}
{{- define "mesh.rabbitmqUser" -}}mesh{{- end -}}
{{- define "mesh.rabbitmqVhost" -}}mesh{{- end -}}

{{/* "true" when the bundled RabbitMQ is rendered (messaging.enabled and messaging.rabbitmq.enabled), else "". */}}
{{- define "mesh.rabbitmqEnabled" -}}
{{- if and .Values.messaging.enabled .Values.messaging.rabbitmq.enabled -}}true{{- end -}}
{{- end -}}

{{/*
Checks the messaging values against each other and against networkPolicy, which the schema (one
value at a time) cannot; renders nothing. Call with $.
*/}}
{{- define "mesh.checkMessaging" -}}
{{- $m := .Values.messaging -}}
{{- if $m.enabled -}}
{{- if and $m.existingSecret $m.rabbitmq.enabled -}}
{{- fail (printf "messaging.existingSecret (%s) names an external broker, but messaging.rabbitmq.enabled bundles one; use one or the other" $m.existingSecret) -}}
{{- end -}}
{{- if and (not $m.existingSecret) (not $m.rabbitmq.enabled) -}}
{{- fail (printf "messaging.enabled but there is no broker: set messaging.existingSecret (a Secret whose key %q holds the AMQP URL, amqp://user:password@host:5672/vhost) or messaging.rabbitmq.enabled=true for the bundled development broker" (default "url" $m.existingSecretKey)) -}}
{{- end -}}
{{- if and .Values.networkPolicy.enabled $m.existingSecret (not $m.egressTo) -}}
{{- fail "messaging: with networkPolicy.enabled the external broker must be reachable: set messaging.egressTo (its addresses as ipBlock peers, or its pods), or disable networkPolicy" -}}
{{- end -}}
{{- else if eq $m.orderStatsTransport "broker" -}}
{{- fail "messaging.orderStatsTransport is broker, but messaging.enabled is false: users would have no queue to read order events from; enable messaging (with a broker) or keep the feed transport" -}}
{{- end -}}
{{- end -}}

{{/*
Where the services read the AMQP URL (Mesh__Messaging__Url): the bundled broker's Secret (key
"url"), or messaging.existingSecret / existingSecretKey. Renders "name: ...\nkey: ..." for a
secretKeyRef. Call with $.
*/}}
{{- define "mesh.messagingSecretRef" -}}
{{- if .Values.messaging.rabbitmq.enabled -}}
name: {{ include "mesh.rabbitmqName" . }}
key: url
{{- else -}}
name: {{ .Values.messaging.existingSecret }}
key: {{ .Values.messaging.existingSecretKey }}
{{- end -}}
{{- end -}}

{{/*
Every service's REST routes (services.<name>.http.routes), the one list the Ingress and the
HTTPRoute are both made from: {"routes": [{service, name, port, path, pathType}]}, name and port
being the service's ClusterIP Service and its http port. A path listed twice with the same type
would leave the controller to pick a service, and an empty list would route nothing: both fail.
Call with $ and read the result with fromYaml.
*/}}
{{- define "mesh.httpRoutes" -}}
{{- $routes := list -}}
{{- $owners := dict -}}
{{- range $name, $_ := .Values.services -}}
{{- $svc := dict -}}
{{- include "mesh.loadService" (dict "root" $ "name" $name "out" $svc) -}}
{{- range $route := $svc.http.routes -}}
{{- $key := printf "%s %s" $route.pathType $route.path -}}
{{- with index $owners $key -}}
{{- fail (printf "services.%s.http.routes and services.%s.http.routes both list the %s path %s: a REST path belongs to one service" . $name $route.pathType $route.path) -}}
{{- end -}}
{{- $_ := set $owners $key $name -}}
{{- $routes = append $routes (dict "service" $name "name" (include "mesh.fullname" (dict "root" $ "name" $name)) "port" (int $svc.service.httpPort) "path" $route.path "pathType" $route.pathType) -}}
{{- end -}}
{{- end -}}
{{- if not $routes -}}
{{- fail "no service lists services.<name>.http.routes: the Ingress or HTTPRoute would route nothing" -}}
{{- end -}}
{{- toYaml (dict "routes" $routes) -}}
{{- end -}}

{{/*
Checks the auth values against each other and against the public routes, which the schema (one
value at a time) cannot; renders nothing. Call with $.
*/}}
{{- define "mesh.checkAuth" -}}
{{- $auth := .Values.auth -}}
{{- if $auth.enabled -}}
{{- if or (not $auth.people.issuer) (not $auth.people.audience) -}}
{{- fail "auth.enabled needs auth.people.issuer and auth.people.audience: the OpenID Connect provider people's tokens come from, and the audience they are issued for" -}}
{{- end -}}
{{- if not $auth.services.issuer -}}
{{- fail "auth.enabled needs auth.services.issuer: the cluster's service-account issuer (kubectl get --raw /.well-known/openid-configuration), which the services' own tokens come from" -}}
{{- end -}}
{{- if eq $auth.people.audience $auth.services.audience -}}
{{- fail (printf "auth.people.audience and auth.services.audience are both %q: the audience is how a person's token is told from a service's" $auth.people.audience) -}}
{{- end -}}
{{- if and .Values.networkPolicy.enabled (not $auth.egressTo) -}}
{{- fail "auth: with networkPolicy.enabled the services must reach the issuers' discovery and key endpoints: set auth.egressTo (NetworkPolicy peers), or disable networkPolicy" -}}
{{- end -}}
{{- $accounts := dict -}}
{{- range $name, $_ := .Values.services -}}
{{- $svc := dict -}}
{{- include "mesh.loadService" (dict "root" $ "name" $name "out" $svc) -}}
{{- $account := include "mesh.serviceAccountName" (dict "root" $ "name" $name "svc" $svc) -}}
{{- if hasKey $accounts $account -}}
{{- fail (printf "auth.enabled: services %s and %s run as the same ServiceAccount %q, so their tokens cannot tell them apart; give each its own (serviceAccount.create)" (get $accounts $account) $name $account) -}}
{{- end -}}
{{- $_ := set $accounts $account $name -}}
{{- end -}}
{{- else if and (or .Values.ingress.enabled .Values.httpRoute.enabled) (not $auth.allowUnauthenticatedPublicAccess) -}}
{{- fail "ingress or httpRoute publishes the http port, but auth.enabled is false: anyone who reaches it could place orders for any user, cancel them and rewrite prices. Set auth.enabled=true with auth.people.issuer, auth.people.audience and auth.services.issuer (README \"Identity and access\"), or auth.allowUnauthenticatedPublicAccess=true if an open API is what you mean" -}}
{{- end -}}
{{- end -}}

{{/* Where a pod's projected service-account token is mounted. */}}
{{- define "mesh.tokenDirectory" -}}/var/run/secrets/mesh{{- end -}}
