package io.convrouter.app;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication(scanBasePackages = "io.convrouter")
@ConfigurationPropertiesScan("io.convrouter")
public class RoutingServerApplication {
    public static void main(String[] args) {
        SpringApplication.run(RoutingServerApplication.class, args);
    }
}
