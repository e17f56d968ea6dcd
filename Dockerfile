# Footfall server image. Not built or run on the development machines (they have no Docker engine);
# see docs/deploy.md. Build: docker build -t footfall .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
RUN apt-get update && apt-get install -y --no-install-recommends nodejs npm && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN dotnet publish src/Footfall.Server -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
# The data folder only holds default-project.json when the store is ClickHouse; the node is otherwise stateless.
VOLUME /data
EXPOSE 8080
ENTRYPOINT ["dotnet", "footfall.dll", "serve", "--urls", "http://0.0.0.0:8080", "--data", "/data"]
