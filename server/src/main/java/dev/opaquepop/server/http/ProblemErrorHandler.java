package dev.opaquepop.server.http;

import dev.opaquepop.server.Metrics;
import dev.opaquepop.server.api.ApiProblem;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own error answers (a malformed request, headers over the limit, a target too long for the parser)
 * as problem details instead of Jetty's HTML page: no server name, no echo of what was sent, no stack.
 */
final class ProblemErrorHandler extends ErrorHandler {
    private final Metrics metrics;

    ProblemErrorHandler(Metrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        int status = request.getAttribute(ERROR_STATUS) instanceof Integer code ? code : response.getStatus();
        if (status < 400) {
            status = 500;
        }
        ApiProblem problem = TransportProblems.forStatus(status);
        status = problem.status();
        metrics.transportRejected(Integer.toString(status));
        response.setStatus(status);
        if (HttpStatus.hasNoBody(status)) {
            callback.succeeded();
            return true;
        }
        response.write(true, TransportProblems.prepare(response.getHeaders(), problem), callback);
        return true;
    }
}
