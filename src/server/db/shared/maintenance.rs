//! Schema migrations (run by each backend its own way), the health check and the
//! content version the page cache follows.

use super::Backend;
use crate::server::db::{MaintenanceStore, Result};

#[async_trait::async_trait]
impl MaintenanceStore for Backend {
    async fn migrate(&self) -> Result<()> {
        self.run_migrations().await
    }

    async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn refresh_statistics(&self) -> Result<()> {
        Backend::fold_status_counts(&self.pool).await?;
        Backend::analyze(&self.pool).await
    }

    async fn fold_status_counts(&self) -> Result<()> {
        Backend::fold_status_counts(&self.pool).await
    }

    fn pool_use(&self) -> (u32, usize) {
        (self.pool.size(), self.pool.num_idle())
    }

    async fn close(&self) {
        self.close_pools().await;
    }

    async fn content_version(&self) -> Result<i64> {
        let (v,): (i64,) = sqlx::query_as("SELECT version FROM content_version WHERE id = 1")
            .fetch_one(&self.pool)
            .await?;
        Ok(v)
    }
}
