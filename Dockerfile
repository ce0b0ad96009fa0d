FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY lineage ./lineage
COPY cypher ./cypher
COPY graphql/examples ./graphql/examples
RUN pip install --no-cache-dir .
EXPOSE 8000
# Outside loopback the server needs LINEAGE_TOKENS (or --no-auth, as docker-compose.yml passes).
CMD ["lineage", "serve", "--host", "0.0.0.0", "--port", "8000"]
