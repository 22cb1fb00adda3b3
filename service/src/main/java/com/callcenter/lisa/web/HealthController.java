package com.callcenter.lisa.web;

import com.callcenter.lisa.health.HealthReport;
import com.callcenter.lisa.health.HealthService;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "Health")
class HealthController {

    private final HealthService health;

    HealthController(HealthService health) {
        this.health = health;
    }

    @GetMapping(path = "/api/v1/health", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(
            summary = "Can the service serve?",
            description = "Reports the database's state (checked in the "
                    + "background every second) and what the last real Gemini calls showed. Never calls Gemini, so probing "
                    + "it spends no quota. Answers within a second, also while the database does not answer.")
    @ApiResponse(
            responseCode = "200",
            description =
                    "UP, or DEGRADED when the last Gemini call failed or a "
                            + "configured model is unavailable (availability[]: Gemini's 404 message and the setting to change).")
    @ApiResponse(
            responseCode = "503",
            description = "DOWN: the database is unreachable; database.error says why in words.")
    ResponseEntity<HealthReport> health() {
        HealthReport report = health.report();
        HttpStatus status =
                report.status() == HealthReport.Status.DOWN ? HttpStatus.SERVICE_UNAVAILABLE : HttpStatus.OK;
        return ResponseEntity.status(status)
                .cacheControl(CacheControl.noStore())
                .body(report);
    }
}
