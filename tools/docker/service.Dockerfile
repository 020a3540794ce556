# One image per Patchbay service, from the fat jar that `./mvnw -DskipTests package` leaves in <service>/target.
# Built by docker-compose.yml with the repository as context (see service.Dockerfile.dockerignore) and SERVICE set.
FROM eclipse-temurin:17-jre

ARG SERVICE
ARG VERSION=0.1.0-SNAPSHOT

WORKDIR /app
COPY tools/docker/entrypoint.sh /app/entrypoint.sh
COPY ${SERVICE}/target/${SERVICE}-${VERSION}-exec.jar /app/service.jar

ENV JAVA_OPTS="-Xmx384m -Xss512k -XX:+UseSerialGC -Daxoniq.update-checker.disabled=true" \
    AXONIQ_UPDATE_CHECKER_DISABLED=true

ENTRYPOINT ["/bin/sh", "/app/entrypoint.sh"]
