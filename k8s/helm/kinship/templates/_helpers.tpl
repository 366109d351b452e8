{{/*
The services, in the order the migration job runs their migrations. Each has a block of
the same shape in values.yaml under its own name.
*/}}
{{- define "kinship.serviceNames" -}}
gateway auth crm billing notifications reporting
{{- end }}

{{- define "kinship.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Release-wide name. Truncated to 49 characters so that "-notifications" (and "-migrate")
still fit the 63-character limit of Kubernetes names.
*/}}
{{- define "kinship.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 49 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 49 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 49 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* Name of one service's objects. Takes (dict "root" $ "name" "<service>"). */}}
{{- define "kinship.componentFullname" -}}
{{- printf "%s-%s" (include "kinship.fullname" .root) .name }}
{{- end }}

{{- define "kinship.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "kinship.imageTag" -}}
{{- .Values.global.image.tag | default .Chart.AppVersion }}
{{- end }}

{{- define "kinship.image" -}}
{{- $image := .Values.global.image }}
{{- if $image.digest }}
{{- printf "%s@%s" $image.repository $image.digest }}
{{- else }}
{{- printf "%s:%s" $image.repository (include "kinship.imageTag" .) }}
{{- end }}
{{- end }}

{{- define "kinship.selectorLabels" -}}
app.kubernetes.io/name: {{ include "kinship.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "kinship.labels" -}}
helm.sh/chart: {{ include "kinship.chart" . }}
{{ include "kinship.selectorLabels" . }}
app.kubernetes.io/version: {{ include "kinship.imageTag" . | trunc 63 | trimSuffix "-" | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: kinship
{{- end }}

{{/* Takes (dict "root" $ "name" "<service>"). */}}
{{- define "kinship.componentSelectorLabels" -}}
{{ include "kinship.selectorLabels" .root }}
app.kubernetes.io/component: {{ .name }}
{{- end }}

{{/* Takes (dict "root" $ "name" "<service>"). */}}
{{- define "kinship.componentLabels" -}}
{{ include "kinship.labels" .root }}
app.kubernetes.io/component: {{ .name }}
{{- end }}

{{/*
Seconds Kubernetes waits between stopping a pod and killing it: the preStop sleep, then
SHUTDOWN_GRACE_MS of draining (rounded up), then 15 seconds for the last traces to be
flushed (the OTLP exporter's own timeout is 10 seconds).
*/}}
{{- define "kinship.terminationGracePeriodSeconds" -}}
{{- $drain := div (add (int .Values.global.shutdownGraceMs) 999) 1000 }}
{{- add $drain (int .Values.global.preStopSleepSeconds) 15 }}
{{- end }}

{{/* Pod-level settings shared by the Deployments and the migration Job. */}}
{{- define "kinship.podSpecCommon" -}}
automountServiceAccountToken: false
{{- with .Values.global.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
securityContext:
  {{- toYaml .Values.global.podSecurityContext | nindent 2 }}
{{- with .Values.global.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.global.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.global.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{- define "kinship.tmpVolume" -}}
- name: tmp
  emptyDir:
    sizeLimit: {{ .Values.global.tmpSizeLimit }}
{{- end }}

{{/*
An env value as a string. Whole numbers from values files arrive as float64, which would
print as 1.048576e+06; they print as integers here.
*/}}
{{- define "kinship.envValue" -}}
{{- $value := toString . }}
{{- if kindIs "float64" . }}
{{- if eq . (float64 (int64 .)) }}
{{- $value = toString (int64 .) }}
{{- end }}
{{- end }}
{{- $value }}
{{- end }}

{{/*
A container's environment. Takes (dict "root" $ "name" "<service>" "migration" bool).
Order: pod identity (referenced by OTEL_RESOURCE_ATTRIBUTES), plain variables (global.env,
then the service's env, then those the chart derives), then variables from Secrets. Every
name appears once: a service's env beats global.env, the chart's own beat both, and a name
in secretEnv (or DATABASE_URL) is taken from the Secret only.
*/}}
{{- define "kinship.env" -}}
{{- $root := .root }}
{{- $name := .name }}
{{- $svc := index $root.Values $name }}
{{- $global := $root.Values.global }}
{{- $plain := dict }}
{{- range $key, $value := $global.env }}
{{- $_ := set $plain $key (include "kinship.envValue" $value) }}
{{- end }}
{{- range $key, $value := $svc.env }}
{{- $_ := set $plain $key (include "kinship.envValue" $value) }}
{{- end }}
{{- $port := toString (int $svc.port) }}
{{- $_ := set $plain "SERVICE" $name }}
{{- if eq $name "gateway" }}
{{- $_ := set $plain "GATEWAY_PORT" $port }}
{{- else }}
{{- $_ := set $plain "HTTP_PORT" $port }}
{{- end }}
{{- $_ := set $plain "SHUTDOWN_GRACE_MS" (toString (int $global.shutdownGraceMs)) }}
{{- if eq $name "gateway" }}
{{- $_ := set $plain "FILES_MAX_BYTES" (toString (int64 $global.files.maxBytes)) }}
{{- else if eq $name "crm" }}
{{- $_ := set $plain "FILES_QUOTA_BYTES" (toString (int64 $global.files.quotaBytes)) }}
{{- $_ := set $plain "FILES_PURGE_AFTER_DAYS" (toString (int64 $global.files.purgeAfterDays)) }}
{{- end }}
{{- $_ := set $plain "SERVICE_VERSION" (include "kinship.imageTag" $root) }}
{{- if $global.otel.endpoint }}
{{- $_ := set $plain "OTEL_EXPORTER_OTLP_ENDPOINT" $global.otel.endpoint }}
{{- $_ := set $plain "OTEL_RESOURCE_ATTRIBUTES" "k8s.namespace.name=$(POD_NAMESPACE),k8s.pod.name=$(POD_NAME),service.instance.id=$(POD_NAME)" }}
{{- end }}
{{- $secret := dict }}
{{- range $key, $ref := $svc.secretEnv }}
{{- $_ := set $secret $key $ref }}
{{- end }}
{{- if eq $name "auth" }}
{{- $kek := $global.authKeyEncryptionKey }}
{{- $_ := set $secret "AUTH_KEY_ENCRYPTION_KEY" (dict "key" $kek.key "secretName" (include "kinship.authKeyEncryptionSecretName" $root)) }}
{{- end }}
{{- $databaseUrlKey := $svc.databaseUrlKey }}
{{- if and .migration $svc.migrationDatabaseUrlKey }}
{{- $databaseUrlKey = $svc.migrationDatabaseUrlKey }}
{{- end }}
{{- if $databaseUrlKey }}
{{- $_ := set $secret "DATABASE_URL" (dict "key" $databaseUrlKey) }}
{{- end }}
{{- range $key, $ref := $secret }}
{{- $_ := unset $plain $key }}
{{- end -}}
- name: POD_NAME
  valueFrom:
    fieldRef:
      fieldPath: metadata.name
- name: POD_NAMESPACE
  valueFrom:
    fieldRef:
      fieldPath: metadata.namespace
{{- range $key, $value := $plain }}
- name: {{ $key }}
  value: {{ $value | quote }}
{{- end }}
{{- range $key, $ref := $secret }}
- name: {{ $key }}
  valueFrom:
    secretKeyRef:
      name: {{ $ref.secretName | default (required "global.existingSecret must name the Secret that holds the services' credentials" $global.existingSecret) }}
      key: {{ $ref.key }}
      {{- if $ref.optional }}
      optional: true
      {{- end }}
{{- end }}
{{- end }}

{{/* The Secret that holds AUTH_KEY_ENCRYPTION_KEY: the operator's, or the one the chart generates. */}}
{{- define "kinship.authKeyEncryptionSecretName" -}}
{{- .Values.global.authKeyEncryptionKey.existingSecret | default (printf "%s-auth-key-encryption" (include "kinship.fullname" .)) }}
{{- end }}

{{/* One migration container. Takes (dict "root" $ "name" "<service>"). */}}
{{- define "kinship.migrationContainer" -}}
{{- $root := .root -}}
- name: migrate-{{ .name }}
  image: {{ include "kinship.image" $root }}
  imagePullPolicy: {{ $root.Values.global.image.pullPolicy }}
  command:
    - node
    - --enable-source-maps
    - services/{{ .name }}/dist/migrate.js
  securityContext:
    {{- toYaml $root.Values.global.containerSecurityContext | nindent 4 }}
  env:
    {{- include "kinship.env" (dict "root" $root "name" .name "migration" true) | nindent 4 }}
  resources:
    {{- toYaml $root.Values.global.migrations.resources | nindent 4 }}
  volumeMounts:
    - name: tmp
      mountPath: /tmp
{{- end }}
