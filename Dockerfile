# Builds the API with the patched toolchain and runs it as an unprivileged user.
FROM golang:1.26 AS build
ENV GOTOOLCHAIN=go1.27.3
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -o /digitalcities ./cmd/digitalcities

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /digitalcities /digitalcities
EXPOSE 8080
ENTRYPOINT ["/digitalcities"]
CMD ["serve"]
