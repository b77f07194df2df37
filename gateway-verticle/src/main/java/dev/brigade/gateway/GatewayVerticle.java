package dev.brigade.gateway;

import dev.brigade.gateway.api.ApiError;
import dev.brigade.gateway.api.ApiKeys;
import dev.brigade.gateway.grpc.BrigadeGrpcServer;
import dev.brigade.gateway.http.CompletionHandlers;
import dev.brigade.gateway.http.DashboardHandlers;
import dev.brigade.gateway.http.Errors;
import dev.brigade.gateway.http.InfoHandlers;
import dev.brigade.gateway.http.RewardsHandler;
import dev.brigade.gateway.mesh.MeshSequenceService;
import dev.brigade.gateway.mesh.MeshSettings;
import dev.brigade.gateway.metrics.ClusterView;
import dev.brigade.gateway.metrics.GatewayMetrics;
import dev.brigade.gateway.session.Generations;
import dev.brigade.gateway.ws.WebSocketSession;
import dev.brigade.protocol.cluster.ClusterBootstrap;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;

/**
 * The OpenAI-compatible front door: HTTP (SSE), WebSocket and gRPC over the mesh's sequences.
 * Runs on a clustered Vert.x; reads the model card and the pipeline table from Hazelcast.
 */
public final class GatewayVerticle extends VerticleBase {
  private final GatewayOptions options;
  private MeshSequenceService sequences;
  private ModelWatch modelWatch;
  private ClusterView clusterView;
  private HttpServer http;
  private HttpServer grpc;

  public GatewayVerticle(GatewayOptions options) {
    this.options = options;
  }

  /** The bound HTTP port (useful when 0 was asked for). */
  public int httpPort() {
    return http.actualPort();
  }

  /** The bound gRPC port, or -1 when gRPC is off. */
  public int grpcPort() {
    return grpc == null ? -1 : grpc.actualPort();
  }

  @Override
  public Future<?> start() {
    modelWatch = new ModelWatch(vertx);
    return modelWatch
        .start(options.modelDir())
        .compose(v -> MeshSequenceService.start(vertx, options.gatewayId(), MeshSettings.defaults()))
        .compose(service -> {
          sequences = service;
          Generations generations =
              new Generations(vertx, modelWatch::current, service, options.maxInFlight());
          clusterView = new ClusterView(vertx, () -> ClusterBootstrap.hazelcast(vertx));
          clusterView.start();
          GatewayMetrics metrics = new GatewayMetrics(clusterView, generations::readyPipelines, generations::inFlight);
          generations.measureWith(metrics);
          service.onFailover(metrics::failover);
          return listenHttp(generations, metrics).compose(v -> listenGrpc(generations));
        });
  }

  private Future<Void> listenHttp(Generations generations, GatewayMetrics metrics) {
    CompletionHandlers completions = new CompletionHandlers(generations);
    InfoHandlers info =
        new InfoHandlers(vertx, options.gatewayId(), modelWatch::current, generations, () -> ClusterBootstrap.hazelcast(vertx));
    DashboardHandlers dashboard = new DashboardHandlers(metrics, clusterView);
    Router router = Router.router(vertx);
    router.route().handler(metrics::countHttp);
    router.get("/health").handler(info::health);
    router.get("/metrics").handler(rc -> {
      metrics.refreshClusterGauges();
      rc.next();
    }).handler(PrometheusScrapingHandler.create(metrics.registry()));
    router.get("/dashboard").handler(DashboardHandlers::redirectToFolder);
    router.get("/dashboard/*").handler(StaticHandler.create("dashboard").setCachingEnabled(false));
    router.route("/v1/*").handler(this::authenticate);
    router.post("/v1/*").handler(BodyHandler.create().setBodyLimit(options.maxBodyBytes()));
    router.post("/v1/chat/completions").handler(completions::chat);
    router.post("/v1/completions").handler(completions::completions);
    router.get("/v1/models").handler(info::models);
    router.get("/v1/cluster").handler(info::cluster);
    router.get("/v1/rewards").handler(new RewardsHandler(vertx)::get);
    router.get("/v1/stats").handler(dashboard::stats);
    router.get("/v1/ws").handler(rc -> openWebSocket(rc, generations));
    router.errorHandler(413, rc -> Errors.send(rc.response(), ApiError.tooLarge(options.maxBodyBytes())));
    router.errorHandler(404, rc -> Errors.send(rc.response(),
        ApiError.notFound("no route for " + rc.request().method() + " " + rc.request().path())));
    router.errorHandler(405, rc -> Errors.send(rc.response(), new ApiError(405, "invalid_request_error",
        rc.request().method() + " is not allowed on " + rc.request().path(), null, "method_not_allowed", 0)));
    router.errorHandler(500, this::internalError);
    return vertx.createHttpServer(new HttpServerOptions().setHost(options.host()).setPort(options.port()))
        .requestHandler(router)
        .listen()
        .onSuccess(server -> http = server)
        .mapEmpty();
  }

  private Future<Void> listenGrpc(Generations generations) {
    if (options.grpcPort() < 0) return Future.succeededFuture();
    return vertx.createHttpServer(new HttpServerOptions().setHost(options.host()).setPort(options.grpcPort()))
        .requestHandler(BrigadeGrpcServer.create(vertx, generations, options.apiKeys()))
        .listen()
        .onSuccess(server -> grpc = server)
        .mapEmpty();
  }

  private void openWebSocket(RoutingContext rc, Generations generations) {
    if (!"websocket".equalsIgnoreCase(rc.request().getHeader("Upgrade"))) {
      Errors.send(rc.response(), ApiError.invalid(null, "GET /v1/ws needs a WebSocket upgrade (Upgrade: websocket)"));
      return;
    }
    rc.request().toWebSocket()
        .onSuccess(ws -> new WebSocketSession(vertx, ws, generations))
        .onFailure(e -> Errors.send(rc.response(), ApiError.invalid(null, "WebSocket handshake failed: " + e.getMessage())));
  }

  /** Authorization: Bearer KEY on every /v1 route (browsers' WebSockets may pass ?api_key=KEY). */
  private void authenticate(RoutingContext rc) {
    String header = rc.request().getHeader("Authorization");
    if (header == null && rc.request().path().equals("/v1/ws")) {
      header = rc.request().getParam("api_key");
    }
    ApiError denied = ApiKeys.check(options.apiKeys(), header);
    if (denied != null) {
      Errors.send(rc.response(), denied);
    } else {
      rc.next();
    }
  }

  private void internalError(RoutingContext rc) {
    Throwable t = rc.failure();
    Errors.send(rc.response(), ApiError.internal(t == null ? "internal error" : t.getMessage()));
  }

  @Override
  public Future<?> stop() {
    if (modelWatch != null) modelWatch.stop();
    if (clusterView != null) clusterView.stop();
    Future<Void> grpcClosed = grpc == null ? Future.succeededFuture() : grpc.close();
    Future<Void> httpClosed = http == null ? Future.succeededFuture() : http.close();
    return Future.all(grpcClosed, httpClosed)
        .compose(v -> sequences == null ? Future.succeededFuture() : sequences.close());
  }
}
